"""Shared pytest policy for tests that need external tools.

Tests marked ``toolchain`` need arm-none-eabi-gcc; tests marked ``qemu`` need
qemu-system-arm. Locally a missing tool skips them with the reason and the Debian package
to install; in CI (environment variable CI == "true") it fails them, because CI exists to
run exactly these.
"""

from __future__ import annotations

import os
import shutil

import pytest

# marker -> (tool that must be on PATH, Debian package providing it)
_REQUIRED_TOOLS: dict[str, tuple[str, str]] = {
    "toolchain": ("arm-none-eabi-gcc", "gcc-arm-none-eabi libnewlib-arm-none-eabi"),
    "qemu": ("qemu-system-arm", "qemu-system-arm"),
}


def _in_ci() -> bool:
    return os.environ.get("CI") == "true"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, (tool, package) in _REQUIRED_TOOLS.items():
        if item.get_closest_marker(marker) is None or shutil.which(tool) is not None:
            continue
        reason = (
            f"{tool} not on PATH (install the Debian package(s) {package}, "
            "or run scripts/bootstrap.sh)"
        )
        if _in_ci():
            pytest.fail(f"CI=true requires {tool}: {reason}", pytrace=False)
        pytest.skip(reason)
