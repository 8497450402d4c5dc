"""The targets a C test program is built for: the host and six emulated Cortex-M cores.

Each Cortex-M target names its compiler flags, its linker script in
``platform/cortexm/`` and the QEMU 7.2 board that runs it. The memory regions recorded
here were read from QEMU 7.2.22 (``info mtree -f``) and confirmed by running the platform
self-test on each board; the linker scripts carry the same numbers (a test keeps the two
in step).
"""

from __future__ import annotations

from dataclasses import dataclass

KIB = 1024
MIB = 1024 * KIB

# Shared by every Cortex-M build. Soft-float ABI everywhere, so any float operation in a
# kernel shows up as an __aeabi_f*/__aeabi_d* call that build.check_no_soft_helpers finds.
_ARM_CFLAGS = (
    "-std=c99",
    "-Os",
    "-mthumb",
    "-mfloat-abi=soft",
    "-ffunction-sections",
    "-fdata-sections",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-g",
)
# -nostartfiles: startup.c/vectors.S replace crt0. newlib-nano supplies memcpy/memset
# if the compiler emits them; nothing in the platform needs stdio or malloc.
_ARM_LDFLAGS = (
    "-nostartfiles",
    "--specs=nano.specs",
    "-Wl,--gc-sections",
    "-Wl,--no-warn-rwx-segments",
)
_HOST_CFLAGS = (
    "-std=c99",
    "-O2",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-g",
    "-fno-omit-frame-pointer",
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=all",
)


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
    """How to build for one target and, for Cortex-M, which QEMU board runs it."""

    name: str
    kind: str  # "host" or "cortex-m"
    cc: str
    cflags: tuple[str, ...]
    ldflags: tuple[str, ...] = ()
    cpu: str | None = None  # -mcpu
    linker_script: str | None = None  # file name in platform/cortexm/
    qemu_machine: str | None = None  # qemu-system-arm -M
    qemu_cpu: str | None = None  # qemu-system-arm -cpu, when the board's default differs
    flash: MemoryRegion | None = None
    ram: MemoryRegion | None = None
    notes: str = ""

    @property
    def is_host(self) -> bool:
        return self.kind == "host"

    @property
    def all_cflags(self) -> tuple[str, ...]:
        """Compiler flags including -mcpu and the TT_TARGET name the harness prints."""
        cpu = (f"-mcpu={self.cpu}",) if self.cpu else ()
        return (*self.cflags, *cpu, f'-DTT_TARGET="{self.name}"')


def _cortex_m(
    name: str,
    cpu: str,
    machine: str,
    script: str,
    flash: MemoryRegion,
    ram: MemoryRegion,
    notes: str,
    qemu_cpu: str | None = None,
) -> Target:
    return Target(
        name=name,
        kind="cortex-m",
        cc="arm-none-eabi-gcc",
        cflags=_ARM_CFLAGS,
        ldflags=_ARM_LDFLAGS,
        cpu=cpu,
        linker_script=script,
        qemu_machine=machine,
        qemu_cpu=qemu_cpu,
        flash=flash,
        ram=ram,
        notes=notes,
    )


TARGETS: dict[str, Target] = {
    "host": Target(
        name="host",
        kind="host",
        cc="gcc",
        cflags=_HOST_CFLAGS,
        notes="native build under AddressSanitizer and UBSan; output through stdio",
    ),
    # QEMU 7.2 has no Cortex-M0+ model: ARMv6-M code runs on its Cortex-M0.
    # nrf51_soc.flash 0x00000000-0x0003ffff (256 KB), nrf51.sram 0x20000000-0x20003fff.
    "m0plus": _cortex_m(
        "m0plus",
        "cortex-m0plus",
        "microbit",
        "board_microbit.ld",
        MemoryRegion(0x0000_0000, 256 * KIB),
        MemoryRegion(0x2000_0000, 16 * KIB),
        "nRF51822 micro:bit; runs on QEMU's cortex-m0; 16 KB RAM, 4 KB of it stack",
        qemu_cpu="cortex-m0",
    ),
    # mps.ssram1 0x00000000-0x003fffff, mps.ssram23 0x20000000-0x203fffff.
    "m3": _cortex_m(
        "m3",
        "cortex-m3",
        "mps2-an385",
        "board_mps2_an385.ld",
        MemoryRegion(0x0000_0000, 4 * MIB),
        MemoryRegion(0x2000_0000, 4 * MIB),
        "MPS2 AN385",
    ),
    "m4": _cortex_m(
        "m4",
        "cortex-m4",
        "mps2-an386",
        "board_mps2_an386.ld",
        MemoryRegion(0x0000_0000, 4 * MIB),
        MemoryRegion(0x2000_0000, 4 * MIB),
        "MPS2 AN386; FPU present but unused (soft-float ABI)",
    ),
    "m7": _cortex_m(
        "m7",
        "cortex-m7",
        "mps2-an500",
        "board_mps2_an500.ld",
        MemoryRegion(0x0000_0000, 4 * MIB),
        MemoryRegion(0x2000_0000, 4 * MIB),
        "MPS2 AN500; FPU present but unused (soft-float ABI)",
    ),
    # SSE-200 boots Secure with VTOR 0x10000000: code at the Secure alias of SSRAM1,
    # data at the Secure alias (0x38000000) of SSRAM2+3 (0x28000000, 2 x 2 MB).
    "m33": _cortex_m(
        "m33",
        "cortex-m33",
        "mps2-an505",
        "board_mps2_an505.ld",
        MemoryRegion(0x1000_0000, 4 * MIB),
        MemoryRegion(0x3800_0000, 4 * MIB),
        "MPS2 AN505 (SSE-200); runs in Secure state; MSPLIM guards the stack",
    ),
    # SSE-300 boots Secure with VTOR 0x10000000: code in ITCM (512 KB, Secure alias),
    # data in DTCM (512 KB at 0x20000000, Secure alias 0x30000000).
    "m55": _cortex_m(
        "m55",
        "cortex-m55",
        "mps3-an547",
        "board_mps3_an547.ld",
        MemoryRegion(0x1000_0000, 512 * KIB),
        MemoryRegion(0x3000_0000, 512 * KIB),
        "MPS3 AN547 (SSE-300); Secure state; soft-float ABI also turns MVE off; "
        "512 KB ITCM is the code+rodata budget",
    ),
}

HOST = TARGETS["host"]
CORTEX_M_TARGETS: tuple[str, ...] = tuple(n for n, t in TARGETS.items() if not t.is_host)
ALL_TARGETS: tuple[str, ...] = tuple(TARGETS)


def get_target(target: str | Target) -> Target:
    """The Target for a name (a Target passes through); ValueError naming the choices."""
    if isinstance(target, Target):
        return target
    try:
        return TARGETS[target]
    except KeyError:
        raise ValueError(
            f"unknown target {target!r}; expected one of: {', '.join(TARGETS)}"
        ) from None
