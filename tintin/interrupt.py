"""Ctrl-C for the `tintin` command: exit 130 within a second or two, children ended.

The main thread may sit in a long C call (a Z3 query, a JAX compile) or wait on a pool
that keeps launching compilers, where a Python signal handler would run late or not at
all. So the signal's C-level handler wakes a watcher thread (signal.set_wakeup_fd), which
removes the temporaries of unfinished atomic writes, ends every descendant process (pool
workers, compilers, QEMU, Renode, Z3 workers: SIGTERM, then SIGKILL after a grace period),
removes the command's scratch folders (scratch_dir) and leaves with os._exit(130), so no
interpreter teardown races JAX's threads. SIGTERM is handled the same way (exit 143). Only
for the real command line; tests calling main() keep Python's own handling.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

GRACE_S = 0.7  # from SIGTERM to SIGKILL for children that do not stop
_STARTED = threading.Event()  # set once the watcher begins to end the process
_SCRATCH: set[str] = set()  # temporary folders of the running command (scratch_dir)


def descendants(pid: int) -> list[int]:
    """Every live process below pid (Linux /proc; elsewhere none are found)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def _signal_all(pids: list[int], sig: int) -> None:
    for p in pids:
        with contextlib.suppress(OSError):
            os.kill(p, sig)


def end_children(grace_s: float = GRACE_S) -> None:
    """SIGTERM every descendant, then SIGKILL what is still there after grace_s."""
    me = os.getpid()
    pids = descendants(me)
    if not pids:
        return
    _signal_all(pids, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError, OSError):
            while os.waitpid(-1, os.WNOHANG)[0] > 0:  # reap, so they leave /proc
                pass
        left = [p for p in descendants(me) if p in pids]
        if not left:
            return
        time.sleep(0.05)
    _signal_all(descendants(me), signal.SIGKILL)


def park_if_interrupted() -> None:
    """Called by the main thread on its way out: once the watcher is ending the process,
    the main thread must not exit first (with a traceback from a pool whose workers the
    watcher just ended, or a status other than 130), so it waits for os._exit."""
    if _STARTED.is_set():
        while True:
            time.sleep(1.0)


@contextlib.contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A temporary folder, removed when the block ends and also on Ctrl-C, where os._exit
    skips every finally: the watcher removes it once the children writing into it are gone.
    Child processes started meanwhile get TMPDIR inside it, so the temporaries of a compiler
    ended mid-compile (gcc's cc*.s) go with it."""
    path = tempfile.mkdtemp(prefix=prefix)
    children_tmp = os.path.join(path, ".tmp")
    os.mkdir(children_tmp)
    previous = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = children_tmp  # Python's own tempfile keeps its cached folder
    _SCRATCH.add(path)
    try:
        yield Path(path)
    finally:
        _SCRATCH.discard(path)
        if previous is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous
        shutil.rmtree(path, ignore_errors=True)


def _end_everything(settle_s: float = 1.0) -> None:
    """End the children and remove the scratch folders until neither comes back: the main
    thread's pool threads may still start a compiler or make a folder until os._exit."""
    deadline = time.monotonic() + settle_s
    while True:
        end_children()
        for path in list(_SCRATCH):
            shutil.rmtree(path, ignore_errors=True)
        time.sleep(0.05)
        quiet = not descendants(os.getpid()) and not any(os.path.exists(p) for p in _SCRATCH)
        if quiet or time.monotonic() > deadline:
            return


def _interrupted(signum: int = signal.SIGINT) -> None:
    from tintin import atomic

    _STARTED.set()
    with contextlib.suppress(Exception):
        print("interrupted", file=sys.stderr, flush=True)
    atomic.discard_pending()
    _end_everything()
    atomic.discard_pending()  # a write may have started while the children were ending
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    os._exit(128 + signum)  # 130 for Ctrl-C, 143 for SIGTERM: the shells' convention


def install() -> None:
    """Have a watcher thread act on SIGINT and SIGTERM. Call from the main thread."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        return  # started with Ctrl-C ignored (nohup, a background job): leave it so
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    # The C-level handler writes the signal number to the pipe at once, whatever the main
    # thread is doing; the Python-level handler (run later, in the main thread) does nothing.
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, frame: None)

    def watch() -> None:
        wanted = {int(signal.SIGINT), int(signal.SIGTERM)}
        while True:
            got = wanted & set(os.read(read_end, 64))
            if got:
                _interrupted(min(got))  # SIGINT (2) before SIGTERM (15)

    threading.Thread(target=watch, name="tintin-interrupt", daemon=True).start()
