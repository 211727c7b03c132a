"""Pools of worker processes that die with their parent, whatever kills it.

A pool's workers share the pipes of the pool. When the parent is killed
outright (SIGKILL, the OOM killer), nobody reads the result pipe any more, yet
its reader end stays open in the sibling workers: a worker writing a large
result blocks in the write forever, and an idle one waits for work forever.
:func:`process_pool` gives every worker two guards, set up by
:func:`die_with_parent` before it runs anything:

1. **Linux:** ``prctl(PR_SET_PDEATHSIG, SIGKILL)``. The kernel kills the
   worker the moment its parent dies, whatever the worker is doing: blocked
   in a pipe write, or deep in C code that holds the GIL. (The signal follows
   the parent's *thread* that started the worker; pools here are started and
   used from the thread that runs the command, whose end is the process's.)
2. **Everywhere (POSIX):** a daemon thread that checks ``os.getppid()``
   twice a second and ends the worker when the parent has gone (the worker
   was handed to init or a subreaper). It covers systems without ``prctl``
   (macOS, the BSDs) and a libc that cannot be loaded.

A parent that died before the guards were set is caught by the same check,
made once before the thread starts. Workers hold nothing to clean up (the
parent writes every result), so they end with ``os._exit``.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext

__all__ = ["die_with_parent", "pool_context", "process_pool"]

#: seconds between two looks at the parent's pid by the watchdog thread
POLL_SECONDS = 0.5
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def pool_context() -> BaseContext:
    """The start method of every pool, named rather than the process default.

    Importing Mesa switches the default to ``spawn``; ``fork`` starts workers
    at once with the parent's loaded modules. ``COLLSEC_SPAWN=1`` asks for
    ``spawn`` (as would a platform without ``fork``).
    """
    fork = "fork" in mp.get_all_start_methods() and not os.environ.get("COLLSEC_SPAWN")
    return mp.get_context("fork" if fork else "spawn")


def _pdeathsig() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the C library Python runs on
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)


def die_with_parent(parent: int) -> None:
    """End this process when process ``parent`` (its parent) dies: a pool's initializer."""
    _pdeathsig()
    if os.getppid() != parent:  # the parent died before the guards were up
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="die-with-parent", daemon=True).start()


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes (:func:`pool_context`) that die with this process."""
    return ProcessPoolExecutor(
        workers,
        mp_context=pool_context(),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )
