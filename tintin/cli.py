"""The `tintin` command: one sub-command per job, each in its own module.

Sub-command modules are imported only when chosen, so `tintin --help` stays fast even
though training pulls in JAX and proving pulls in Z3. Each module provides
``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import importlib.util
import sys
from typing import NoReturn

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "train": ("tintin.cmd_train", "train a model with integer-only arithmetic and compare with float"),
    "demo": ("tintin.cmd_demo", "run the main job end to end on the bundled default data"),
    "golden": ("tintin.golden.cli", "generate, check and emit golden test vectors"),
    "prove": ("tintin.proofs.cli", "prove overflow-freedom of the integer rules with Z3"),
    "conformance": ("tintin.kernels.driver.cli", "build the C kernels and check them against the goldens"),
    "mutate": ("tintin.mutate.cli", "mutation testing: how many wrong C kernels the goldens catch"),
    "bench": ("tintin.cmd_bench", "measure memory, instructions and speed; write BENCHMARKS.md into out/bench/"),
}


class UserError(Exception):
    """A problem with the user's input: reported as one clear line, exit status 2."""


# The exit-status contract, in one place. Errors of these types mean the input is bad (an
# argument, a config, a file): one line naming it, exit 2. Looked up by module so that a
# module never imported (which then raised nothing) is not imported just to be checked.
BAD_INPUT: tuple[tuple[str, str], ...] = (
    ("tintin.cli", "UserError"),
    ("tintin.reference.config", "ConfigError"),
    ("tintin.reference.limits", "DotLengthError"),
    ("tintin.golden.model", "GoldenFormatError"),
    ("tintin.reference.modelfile", "ModelFileError"),
)
# OSErrors about a named path the user gave (missing, not writable, a file where a folder
# belongs): bad input too. Others (a full disk, a tool crashing) are not.
BAD_PATH_ERRNOS = frozenset({errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.EEXIST,
                             errno.EROFS, errno.ENAMETOOLONG})
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def bad_input_message(exc: BaseException) -> str | None:
    """The one line for an error that means bad input, or None for any other error."""
    for module, name in BAD_INPUT:
        cls = getattr(sys.modules.get(module), name, None)
        if isinstance(cls, type) and isinstance(exc, cls):
            return " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, OSError) and exc.errno in BAD_PATH_ERRNOS and exc.filename is not None:
        why = "exists and is not a folder" if exc.errno == errno.EEXIST else exc.strerror or str(exc)
        return f"{exc.filename}: {why}"
    return None


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (no usage block), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _available() -> dict[str, tuple[str, str]]:
    found = {}
    for name, (module, help_text) in COMMANDS.items():
        if importlib.util.find_spec(module) is not None:
            found[name] = (module, help_text)
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tintin", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in _available().items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_module=module)
        importlib.import_module(module).add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # the real command line (tests call main with a list)
        from tintin import interrupt

        interrupt.install()
    try:
        return _main(argv)
    finally:
        from tintin import interrupt

        interrupt.park_if_interrupted()


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_module", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(importlib.import_module(args._module).run(args) or 0)
    except KeyboardInterrupt:
        from tintin import atomic, interrupt

        print("interrupted", file=sys.stderr)
        atomic.discard_pending()
        interrupt.end_children()
        return EXIT_INTERRUPTED
    except Exception as exc:
        message = bad_input_message(exc)
        if message is None:
            raise
        command = " ".join(str(c) for c in (args.command, getattr(args, "golden_command", None)) if c)
        print(f"tintin {command}: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
