#!/usr/bin/env bash
# Installs everything the project needs, idempotently: the Debian packages for the
# Cortex-M toolchain and QEMU, and a virtual environment with tintin and its Python
# dependencies. Both README commands run this first, so a fresh machine needs nothing by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)
VENV=${TINTIN_VENV:-.venv}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
    else echo "bootstrap: need root or sudo to run: $*" >&2; return 1
    fi
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    if ! { as_root apt-get update -qq &&
           as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/tmp/tintin-apt.log 2>&1; then
        echo "bootstrap: apt-get failed (log: /tmp/tintin-apt.log); Cortex-M builds and QEMU runs will be unavailable" >&2
        [ "${CI:-}" = "true" ] && exit 1
    fi
fi

# Reinstall the Python side only when pyproject.toml changed since the last install.
stamp="$VENV/.tintin-installed"
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "bootstrap: installing Python packages into $VENV (first run takes a minute or two)"
    # pip and the build backend talk a lot (index notes, setuptools advice): keep it in a
    # log and show it only when the install fails.
    log=$(mktemp "${TMPDIR:-/tmp}/tintin-pip.XXXXXX")
    pip=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)
    if ! { "${pip[@]}" --upgrade pip && "${pip[@]}" -e '.[dev]'; } >"$log" 2>&1; then
        echo "bootstrap: pip install failed; the end of its log ($log):" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
    rm -f "$log"
    echo "$want" > "$stamp"
fi
