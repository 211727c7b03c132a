"""Run every hostile input of tests/hostile.py in a subprocess and count what goes wrong.

    python tools/fuzz_count.py [--src DIR] [--out results.jsonl] [--fast]

Each input runs as ``collsec ...`` (the package in ``--src``, default this
checkout's ``src``) in a fresh folder with a copy of the hostile files, one
thread per library, with at most 15 s of CPU and 6 GiB of address space (so a
runaway input cannot take the machine). It counts, per input:

- ``traceback``: a Python traceback on stderr, or an exit code other than 0 or 2;
- ``accepted``: an input that must be refused exited 0;
- ``lines``: a refusal that printed more than one line on stderr;
- ``partial``: a refused input left a file behind, or any input left a temporary
  or empty file;
- ``time``: more than 10 s of CPU (or killed at 15 s);
- ``memory``: more than 2 GiB resident, or a MemoryError.

``--fast`` skips the inputs marked slow (accepted inputs that run for minutes).
Point ``--src`` at another checkout's ``src`` to count there (the inputs are
this checkout's).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hostile import HOSTILE, Hostile, new_files, snapshot, write_fixtures  # noqa: E402

GiB = 1 << 30
CPU_LIMIT = 15  # s: killed beyond
CPU_BOUND = 10  # s: counted as too slow beyond
SLOW_CPU_LIMIT = 900  # s: inputs marked slow (not counted as too slow)
RSS_BOUND = 2 * GiB
WALL_LIMIT = 90  # s: a hang (a network wait, a lock); inputs marked slow: 1800
KINDS = ("traceback", "accepted", "lines", "partial", "time", "memory")
TEMP_SUFFIXES = (".tmp", ".part", ".wal")


def _limits(cpu: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_AS, (6 * GiB, 6 * GiB))
    os.setsid()


def _env(src: Path, cache: Path, extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(src),
        COLLSEC_CACHE_DIR=str(cache),
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        COLUMNS="100",
        PYTHONWARNINGS="default",
    )
    env.setdefault("COLLSEC_DATA_DIR", str(ROOT.parent / "shared" / "data"))
    env.update(extra)
    return env


CLI = "import sys; from collsec.cli.main import main; sys.exit(main())"


def run_one(h: Hostile, src: Path, base_fx: Path, cache: Path, work: Path) -> dict:
    fx, out = work / "fx", work / "out"
    shutil.copytree(base_fx, fx, symlinks=True)
    out.mkdir()
    before_fx, before_out = snapshot(fx), snapshot(out)
    argv = [sys.executable, "-c", CLI, *h.argv(fx, out)]
    env = _env(src, cache, h.environ(fx, out))
    t0 = time.monotonic()
    with open(work / "stdout", "wb") as so, open(work / "stderr", "wb") as se:
        proc = subprocess.Popen(
            argv, cwd=out, env=env, stdin=subprocess.DEVNULL, stdout=so, stderr=se,
            preexec_fn=partial(_limits, SLOW_CPU_LIMIT if h.slow else CPU_LIMIT),
        )  # fmt: skip
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - t0 > (1800 if h.slow else WALL_LIMIT):
                killed = True
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - t0
    stderr = (work / "stderr").read_bytes()
    err = stderr.decode("utf-8", "replace")
    rc = proc.returncode
    cpu = usage.ru_utime + usage.ru_stime
    rss = usage.ru_maxrss * 1024
    lines = [ln for ln in err.splitlines() if ln.strip()]
    changed = [("out", f) for f in new_files(before_out, out)]
    changed += [("fx", f) for f in new_files(before_fx, fx)]

    def leftover(root: str, name: str) -> bool:
        path = work / root / name
        empty = path.is_file() and path.stat().st_size == 0
        return rc != 0 or name.endswith(TEMP_SUFFIXES) or empty

    left = [f"{root}/{name}" for root, name in changed if leftover(root, name)]
    problems = []
    if "Traceback (most recent call last)" in err or (rc not in (0, 2) and rc >= 0):
        problems.append("traceback")
    if h.expect == "refuse" and rc == 0:
        problems.append("accepted")
    if rc == 2 and len(lines) > 1 and "Traceback" not in err:
        problems.append("lines")
    if left:
        problems.append("partial")
    if not h.slow and (killed or rc in (-signal.SIGXCPU, -signal.SIGKILL) or cpu > CPU_BOUND):
        problems.append("time")
    if "MemoryError" in err or rss > RSS_BOUND:
        problems.append("memory")
    return {
        "input": h.id,
        "expect": h.expect,
        "rc": rc,
        "cpu": round(cpu, 2),
        "wall": round(wall, 2),
        "rss_mib": rss // (1 << 20),
        "problems": problems,
        "left": left[:5],
        "stderr": lines[-3:] if lines else [],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", default=str(ROOT / "src"))
    ap.add_argument("--out", default=None, help="write one JSON line per input here")
    ap.add_argument("--fast", action="store_true", help="skip the inputs marked slow")
    ap.add_argument("--match", default=None, help="only inputs containing this text")
    ap.add_argument("--skip-done", default=None, help="skip the inputs of this results file")
    args = ap.parse_args()
    src = Path(args.src).resolve()
    inputs = [h for h in HOSTILE if not (args.fast and h.slow)]
    if args.match:
        inputs = [h for h in inputs if args.match in h.id]
    if args.skip_done:
        with open(args.skip_done, encoding="utf-8") as f:
            done = {json.loads(line)["input"] for line in f if line.strip()}
        inputs = [h for h in inputs if h.id not in done]
    results = []
    counts = dict.fromkeys(KINDS, 0)
    with tempfile.TemporaryDirectory(prefix="collsec-fuzz-") as tmp:
        root = Path(tmp)
        base_fx, cache = root / "fx", root / "cache"
        write_fixtures(base_fx)
        made = subprocess.run(
            [sys.executable, "-c", CLI, "experiment", str(base_fx / "e_ok.toml"),
             "--db", str(base_fx / "run.duckdb"), "--format", "json"],
            env=_env(src, cache, {}), capture_output=True, cwd=root,
        )  # fmt: skip
        if made.returncode != 0:
            print("could not make the run database:", made.stderr.decode()[-500:])
            return 1
        sink = open(args.out, "w", encoding="utf-8") if args.out else None  # noqa: SIM115
        for i, h in enumerate(inputs):
            work = root / f"w{i}"
            work.mkdir()
            r = run_one(h, src, base_fx, cache, work)
            shutil.rmtree(work, ignore_errors=True)
            results.append(r)
            for k in r["problems"]:
                counts[k] += 1
            mark = ",".join(r["problems"]) or "ok"
            print(f"[{i + 1}/{len(inputs)}] {mark:10} rc={r['rc']} {r['cpu']:6.1f}s  {h.id}")
            if r["problems"] and r["stderr"]:
                print("      " + r["stderr"][-1][:200])
            if sink:
                sink.write(json.dumps(r) + "\n")
                sink.flush()
        if sink:
            sink.close()
    bad = sum(1 for r in results if r["problems"])
    print(f"\n{len(results)} inputs, {bad} with a problem")
    for k in KINDS:
        print(f"  {k:10} {counts[k]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
