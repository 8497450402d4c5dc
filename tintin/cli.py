"""The `tintin` command: one sub-command per job, each in its own module.

Sub-command modules are imported only when chosen, so `tintin --help` stays fast even
though training pulls in JAX and proving pulls in Z3. Each module provides
``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "train": ("tintin.cmd_train", "train a model with integer-only arithmetic and compare with float"),
    "demo": ("tintin.cmd_demo", "run the main job end to end on the bundled default data"),
    "golden": ("tintin.golden.cli", "generate, check and emit golden test vectors"),
    "prove": ("tintin.proofs.cli", "prove overflow-freedom of the integer rules with Z3"),
    "conformance": ("tintin.kernels.driver.cli", "build the C kernels and check them against the goldens"),
    "mutate": ("tintin.mutate.cli", "mutation testing: how many wrong C kernels the goldens catch"),
    "bench": ("tintin.cmd_bench", "measure memory, instructions and speed; write BENCHMARKS.md"),
}


class UserError(Exception):
    """A problem with the user's input: reported as one clear line, exit status 2."""


def _available() -> dict[str, tuple[str, str]]:
    found = {}
    for name, (module, help_text) in COMMANDS.items():
        if importlib.util.find_spec(module) is not None:
            found[name] = (module, help_text)
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tintin", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in _available().items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_module=module)
        importlib.import_module(module).add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_module", None):
        parser.print_help()
        return 2
    from tintin.reference.config import ConfigError
    from tintin.reference.limits import DotLengthError

    try:
        return int(importlib.import_module(args._module).run(args) or 0)
    except (UserError, ConfigError, DotLengthError) as exc:  # bad parameters: a message, not a traceback
        print(f"tintin {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
