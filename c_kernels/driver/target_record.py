"""The Target record: how to build for one target and what runs its programs. Filled from a
target file (target_file.py); targets.py holds the built-in ones."""

from __future__ import annotations

from dataclasses import dataclass

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class MemoryRegion:
    """One linker MEMORY region: where it starts and how many bytes it holds."""

    origin: int
    length: int

    @property
    def end(self) -> int:
        return self.origin + self.length


@dataclass(frozen=True)
class Target:
    """How to build for one target and how its programs run.

    runner: "native" (the host executable itself), "qemu" (qemu_machine, qemu_cpu),
    "renode" (renode_platform, renode_script, under renode-test) or "command" (a command
    line for real hardware; ``{elf}`` stands for the program). A target with ``build`` set
    runs the programs built for that other target (same ELF) and carries its build fields.
    """

    name: str
    kind: str  # "host" or "cortex-m"
    cc: str
    cflags: tuple[str, ...]
    ldflags: tuple[str, ...] = ()
    cpu: str | None = None  # -mcpu
    linker_script: str | None = None  # absolute path; None with flash and ram: the driver writes one
    qemu_machine: str | None = None  # qemu-system-arm -M
    qemu_cpu: str | None = None  # qemu-system-arm -cpu, when the board's default differs
    flash: MemoryRegion | None = None
    ram: MemoryRegion | None = None
    notes: str = ""
    fpu: str | None = None  # -mfpu
    float_abi: str | None = None  # -mfloat-abi
    defines: tuple[str, ...] = ()  # NAME or NAME=VALUE, passed as -D
    stack_size: int | None = None  # for a linker script written from flash and ram
    startup: tuple[str, ...] | None = None  # the user's startup sources; None: the project's
    runner: str = "native"
    build: str | None = None  # the target whose programs this one runs
    renode_platform: str | None = None  # absolute .repl path, or "renode:platforms/..."
    renode_script: str | None = None  # absolute .resc path, run instead of loading platform + ELF
    virtual_time_s: float | None = None  # Renode: virtual seconds the program may take
    command: tuple[str, ...] = ()  # runner "command"
    timeout_s: float | None = None  # wall seconds per program; at least this much whatever --timeout says
    source: str = ""  # the target file it was read from

    @property
    def is_host(self) -> bool:
        return self.kind == "host"

    @property
    def all_cflags(self) -> tuple[str, ...]:
        """Compiler flags including -mcpu, -mfpu, -mfloat-abi, the defines and the TT_TARGET name
        the harness prints."""
        arch = [f"-mcpu={self.cpu}"] if self.cpu else []
        arch += [f"-mfpu={self.fpu}"] if self.fpu else []
        arch += [f"-mfloat-abi={self.float_abi}"] if self.float_abi else []
        return (*self.cflags, *arch, *(f"-D{d}" for d in self.defines), f'-DTT_TARGET="{self.name}"')
