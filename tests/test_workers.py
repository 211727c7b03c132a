"""Worker processes die with their parent, whatever kills it (SIGKILL included).

Each test starts a two-worker command in a process group of its own, waits (with a
deadline) until its workers are running, SIGKILLs the command alone (not its group),
then polls, with a deadline, until none of those workers is left. Processes are
named by pid and start time (/proc), so a recycled pid is not taken for a survivor;
a zombie is dead. Whatever is left at the end is killed by pid.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import collsec
from collsec.workers import process_pool

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").is_file(), reason="finds the workers in /proc"
)

SRC = Path(collsec.__file__).resolve().parents[1]

#: a Ray worker running a chunk names itself after the task
RAY_TASK = "ray::_chunk_rows"
#: Ray's two agents, children of its raylet, leave by themselves once they see it gone:
#: about a minute later, waiting on its GCS, which is gone too
RAY_AGENTS = ("ray::DashboardAgent", "ray::RuntimeEnvAgent")


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process, or None if there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()  # the name, in brackets, may hold spaces
    return fields[0], int(fields[1]), int(fields[19])


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _descendants(root: int) -> dict[int, int]:
    """Every living process below ``root``: pid -> start time."""
    procs = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit() and (st := _stat(int(d.name))) and st[0] not in "ZX":
            procs[int(d.name)] = st
    out: dict[int, int] = {}
    todo = [root]
    while todo:
        parent = todo.pop()
        for pid, (_, ppid, start) in procs.items():
            if ppid == parent and pid not in out:
                out[pid] = start
                todo.append(pid)
    return out


def _alive(pid: int, start: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] not in "ZX" and st[2] == start


def _poll(check: Callable[[], object], seconds: float) -> object:
    """``check()`` until it is truthy or ``seconds`` have passed; its last value."""
    deadline = time.monotonic() + seconds
    while not (value := check()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return value


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "COLLSEC_SPAWN"}  # fork unless asked
    path = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    # the runs here are large enough to outlive a kill, above the default cost bound
    return {**env, "PYTHONPATH": path, "COLLSEC_MAX_SECONDS": "600", **extra}


def _line_within(proc: subprocess.Popen, seconds: float) -> str:
    """The next line the process prints, waiting at most ``seconds`` ('' if none)."""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if sel.select(seconds):
            return proc.stdout.readline()
    return ""


#: a parent whose one worker sets up the guards (one of them disabled: argv[1] names the
#: one kept), prints its pid and waits for ever; the parent waits for the worker
_ORPHAN = """
import os, signal, sys
from collsec import workers

def work(parent):
    if sys.argv[1] == "watchdog":
        workers._pdeathsig = lambda: False
    else:
        workers._watch = lambda parent: None
    workers.die_with_parent(parent)
    print(os.getpid(), flush=True)
    while True:
        signal.pause()

worker = workers.pool_context().Process(target=work, args=(os.getpid(),))
worker.start()
worker.join()
"""


@pytest.mark.parametrize("guard", ["pdeathsig", "watchdog"])
def test_each_guard_alone_ends_an_orphaned_worker(guard):
    if guard == "pdeathsig" and not sys.platform.startswith("linux"):
        pytest.skip("prctl is Linux's")
    proc = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN, guard],
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    worker = None
    try:
        line = _line_within(proc, 60)
        assert line.strip().isdigit(), line
        pid = int(line)
        worker = (pid, _stat(pid)[2])
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _poll(lambda: not _alive(*worker), 30), f"the worker outlived its parent ({guard})"
    finally:
        if worker and _alive(*worker):
            os.kill(worker[0], signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def _kill_the_parent(
    tmp_path: Path,
    args: list[str],
    workers: Callable[[dict[int, int]], dict[int, int]],
    *,
    env: dict[str, str],
    spared: tuple[str, ...] = (),
    start_within: float = 180,
    die_within: float = 30,
) -> tuple[dict[int, int], dict[int, int]]:
    """Run ``collsec ARGS``; once ``workers(descendants)`` names two, SIGKILL the command.

    Return (the workers, the processes below the command still alive ``die_within``
    seconds later: any but those whose command line starts with one of ``spared``).
    """
    log = tmp_path / "stderr.txt"
    below: dict[int, int] = {}
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "collsec.cli.main", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    try:
        found = _poll(
            lambda: proc.poll() is None and len(w := workers(_descendants(proc.pid))) >= 2 and w,
            start_within,
        )
        assert found, f"no two workers within {start_within} s:\n{log.read_text()[-3000:]}"
        below = {**_descendants(proc.pid), **found}
        must_go = {p: t for p, t in below.items() if not _cmdline(p).startswith(spared)}
        os.kill(proc.pid, signal.SIGKILL)  # the parent only: not its process group
        proc.wait()
        _poll(lambda: not any(_alive(p, t) for p, t in must_go.items()), die_within)
        return dict(found), {p: t for p, t in must_go.items() if _alive(p, t)}
    finally:
        for pid, start in below.items():  # a failed test leaves nothing behind
            if _alive(pid, start):
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _all(below: dict[int, int]) -> dict[int, int]:
    return below


def _spawned(below: dict[int, int]) -> dict[int, int]:
    return {p: t for p, t in below.items() if "spawn_main" in _cmdline(p)}


def _ray_workers(below: dict[int, int]) -> dict[int, int]:
    return {p: t for p, t in below.items() if _cmdline(p).startswith(RAY_TASK)}


def test_local_workers_die_with_a_killed_experiment(tmp_path):
    args = ["experiment", "veto-variants", "--workers", "2", "--replications", "400"]
    workers, left = _kill_the_parent(
        tmp_path, [*args, "--db", str(tmp_path / "run.duckdb")], _all, env=_env()
    )
    assert len(workers) == 2
    assert not left, f"workers outlived their parent: {left}"


def test_spawned_workers_die_with_their_parent_too(tmp_path):
    # spawn starts a resource tracker beside the workers: it must go too
    args = ["experiment", "regional-first", "--workers", "2", "--replications", "400"]
    workers, left = _kill_the_parent(
        tmp_path,
        [*args, "--db", str(tmp_path / "run.duckdb")],
        _spawned,
        env=_env(COLLSEC_SPAWN="1"),
    )
    assert len(workers) == 2
    assert not left, f"processes outlived their parent: {left}"


@pytest.mark.data
def test_backtest_workers_die_with_a_killed_backtest(tmp_path):
    env = _env(COLLSEC_CACHE_DIR=str(tmp_path / "cache"))  # no cached signals: the pool runs
    workers, left = _kill_the_parent(tmp_path, ["backtest", "icb"], _all, env=env)
    assert len(workers) == 2
    assert not left, f"workers outlived their parent: {left}"


def test_ray_workers_die_with_a_killed_driver(tmp_path):
    """Ray's local cluster shares the driver's fate: ray.init starts its GCS and raylet
    with PR_SET_PDEATHSIG, and a worker ends when it loses its raylet."""
    pytest.importorskip("ray")
    args = ["experiment", "veto-variants", "--backend", "ray", "--workers", "2"]
    args += ["--replications", "400", "--db", str(tmp_path / "run.duckdb")]
    workers, left = _kill_the_parent(tmp_path, args, _ray_workers, env=_env(), spared=RAY_AGENTS)
    assert len(workers) == 2
    assert not left, f"Ray's processes outlived the driver: {left}"


def test_a_worker_whose_parent_is_gone_ends_at_once():
    """The check made before the guards are up: the parent named is not the parent."""
    code = (
        "import os; from collsec.workers import die_with_parent;"
        "die_with_parent(os.getppid() + 1_000_000); print('survived')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=_env(), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1 and "survived" not in done.stdout, done.stderr


def test_a_pool_runs_its_work():
    with process_pool(2) as pool:
        assert sorted(pool.map(abs, [-2, -1, 3])) == [1, 2, 3]
