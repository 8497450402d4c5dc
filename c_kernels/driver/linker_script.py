"""The linker script of a Cortex-M target: the one its file names, or one written from its
flash and RAM regions that INCLUDEs the project's section layout (platform/cortexm/sections.ld),
exactly as the built-in board scripts do."""

from __future__ import annotations

from pathlib import Path

from .target_record import Target


def linker_script_text(t: Target) -> str:
    """A board script for the target's memory map (flash, ram and stack_size must be set)."""
    if t.flash is None or t.ram is None:
        raise ValueError(f"target {t.name!r} has neither a linker script nor flash and ram regions")
    stack = t.stack_size if t.stack_size is not None else min(0x10000, t.ram.length // 4)
    return (
        f"/* Written by tintin for target {t.name} from its memory map ({t.source or 'no file'}). */\n"
        "MEMORY\n{\n"
        f"    FLASH (rx)  : ORIGIN = {t.flash.origin:#010x}, LENGTH = {t.flash.length:#x}\n"
        f"    RAM   (rwx) : ORIGIN = {t.ram.origin:#010x}, LENGTH = {t.ram.length:#x}\n"
        "}\n"
        f"__stack_size = {stack:#x};\n"
        "INCLUDE sections.ld\n"
    )


def linker_script_for(t: Target, out_dir: Path) -> Path:
    """The script to link with: the target's own, or one written into out_dir (rewritten only
    when its text changes, so the link stays reproducible)."""
    if t.linker_script is not None:
        return Path(t.linker_script)
    path = out_dir / f"memory-{t.name}.ld"
    text = linker_script_text(t)
    if not path.is_file() or path.read_text() != text:
        out_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return path
