"""Running an experiment: chunks of replications on local processes or Ray, into DuckDB.

Replications are cut into chunks, ranges of replications, larger first and
smaller towards the end so the workers finish together
(:mod:`collsec.experiments.chunks`; the cut never changes a number: see
:mod:`collsec.experiments.history`). Each chunk runs every design; its rows and
its completion mark go into the database in one transaction, in the main
process, as chunks finish. ``resume`` runs the replications no recorded chunk
of the same run covers: the same run key, the hash of the content of every
input (:mod:`collsec.experiments.identity`: the resolved charters, parameters,
scenario and policy of each design, the experiment, the data checksums, the
package version and the model's code). A run killed at any point loses at most
the chunks in flight and never writes a replication twice, whatever the number
of workers before and after. ``resume`` refuses when the
database holds a run of the same experiment whose inputs changed, and says
what changed (``fresh_if_changed`` starts a new run instead).
"""

from __future__ import annotations

import atexit
import contextlib
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from collsec import __version__, limits
from collsec.errors import InputError
from collsec.experiments import chunks
from collsec.experiments.hazard import Hazard
from collsec.experiments.history import prepare, run_replications
from collsec.experiments.identity import changes, data_versions, run_inputs, run_key_of, spec_dict
from collsec.experiments.spec import Experiment, parse_experiment
from collsec.experiments.store import Store
from collsec.workers import process_pool

__all__ = [
    "data_versions",
    "default_db",
    "run_experiment",
    "run_key",
    "run_metadata",
]

_SETTINGS: dict[str, Any] = {}


def _chunk_rows(spec: dict[str, Any], key: str, rep_from: int, rep_to: int, data_dir):
    """Worker entry point (a process or a Ray task): rows of one chunk."""
    st = _SETTINGS.get(key)
    if st is None:
        _SETTINGS.clear()
        exp = parse_experiment(spec, spec["id"])
        st = prepare(exp, data_dir)
        # the files this worker read must be those the run key was made of
        if run_key(exp) != key:
            raise InputError(
                "the run's inputs changed while it ran (a charter, policy or parameter "
                "file, or the code, was edited); run it again with --resume",
                source=spec["id"],
            )
        _SETTINGS[key] = st
    return run_replications(st, rep_from, rep_to)


def citations(exp: Experiment) -> list[str]:
    h = Hazard.default()
    cites = [v["citation"] for v in h.sources.values() if v.get("citation")]
    cites += list(h.citation.values())
    return list(dict.fromkeys(cites))


def run_key(exp: Experiment) -> str:
    """The run key of ``exp``: the hash of its inputs (:mod:`collsec.experiments.identity`)."""
    return run_key_of(run_inputs(exp))


def run_metadata(exp: Experiment) -> dict[str, Any]:
    inputs = run_inputs(exp)
    return {
        "run_key": run_key_of(inputs),
        "experiment": exp.id,
        "title": exp.title,
        "description": exp.description,
        "spec": spec_dict(exp),
        "seed": exp.seed,
        "replications": exp.replications,
        "years": exp.years,
        "collsec_version": __version__,
        "data_versions": data_versions(exp),
        "parameters": {d.id: exp.parameters(d).to_dict() for d in exp.designs},
        "citations": citations(exp),
        "inputs": inputs,
    }


def _changed(store: Store, row: Any, meta: dict[str, Any], exp: Experiment) -> list[str]:
    """What differs between the stored run ``row`` and the run ``meta`` describes."""
    old = store.inputs(str(row["run_key"]))
    if old.empty:
        return [
            f"collsec {row['collsec_version']} -> {__version__} (the stored run predates "
            "recorded inputs)"
        ]
    found = changes(old.to_dict("records"), meta["inputs"], [d.id for d in exp.designs])
    return found or ["the run key (no input differs: the key's recipe changed)"]


def default_db(exp: Experiment) -> Path:
    return Path(f"{exp.id}.duckdb")


def _local(
    todo: list[tuple[int, int]], spec, key, workers: int, data_dir, biggest: int
) -> Iterator[tuple[int, int, list]]:
    """``(rep_from, rep_to, rows)`` of the chunks of ``todo``, as they finish."""
    jobs = chunks.plan(todo, workers, biggest)
    if workers <= 1:
        for lo, hi in jobs:
            yield lo, hi, _chunk_rows(spec, key, lo, hi, data_dir)
        return
    from concurrent.futures import FIRST_COMPLETED, wait

    with process_pool(workers) as pool:  # workers that die with this process
        pending = {}
        it = iter(jobs)
        for job in it:
            pending[pool.submit(_chunk_rows, spec, key, *job, data_dir)] = job
            if len(pending) >= 2 * workers:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                lo, hi = pending.pop(fut)
                yield lo, hi, fut.result()
                nxt = next(it, None)
                if nxt is not None:
                    pending[pool.submit(_chunk_rows, spec, key, *nxt, data_dir)] = nxt


def check_ray_address(address: str, timeout: float = 5.0) -> None:
    """Refuse, in one line and at once, a cluster address nobody answers at (``ray.init``
    would keep trying for minutes). ``auto`` (the cluster of this machine) is Ray's to find."""
    if address == "auto":
        return
    hostport = address.removeprefix("ray://")
    host, sep, port = hostport.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(
            f"{address!r} is not HOST:PORT (the head's address `ray start --head` prints)",
            source="--ray-address",
        )
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            pass
    except OSError as e:
        raise InputError(
            f"no Ray cluster answers at {hostport} ({e.strerror or e.__class__.__name__}); "
            "start one with `ray start --head` (docs/experiments.md)",
            source="--ray-address",
        ) from None


#: the Ray runtime this process started, kept for the next run: ``address`` (None: a
#: local Ray) and ``cpus``; empty when it started none (or shut it down)
_RAY: dict[str, Any] = {}
_RAY_EXIT_HOOK: list[bool] = []


def _ray_runtime(address: str | None, workers: int):
    """Ray, initialised. A runtime this process starts is kept and reused by later runs
    (``ray.init`` and ``ray.shutdown`` cost seconds each), started again only for
    another address or another number of CPUs, and shut down when the process exits
    (:func:`shutdown_ray`). A runtime the caller started is used as it is, left running.
    """
    try:
        import ray
    except ImportError:
        raise InputError(
            "the ray backend needs Ray: pip install 'collsec[ray]'", source="--backend"
        ) from None
    cpus = None if address else max(1, workers)
    if ray.is_initialized():
        if not _RAY:
            return ray  # the caller's own
        if _RAY["address"] == address and _RAY["cpus"] == cpus:
            return ray  # ours, as this run wants it
        shutdown_ray()
    _RAY.clear()
    kw: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
    if address:
        kw["address"] = address
    else:
        # a Ray of this run's own, even when a cluster runs on this machine (ray.init
        # would join it and refuse num_cpus): --ray-address is how to use one
        kw["address"] = "local"
        kw["num_cpus"] = cpus
    ray.init(**kw)
    _RAY.update(address=address, cpus=cpus)
    if not _RAY_EXIT_HOOK:
        atexit.register(shutdown_ray)
        _RAY_EXIT_HOOK.append(True)
    return ray


def shutdown_ray() -> None:
    """Shut down the Ray runtime this process started for experiments, if any."""
    if _RAY:
        _RAY.clear()
        import ray

        if ray.is_initialized():
            ray.shutdown()


def _ray(todo, spec, key, workers: int, data_dir, address: str | None, biggest: int):
    ray = _ray_runtime(address, workers)
    # chunks for the CPUs the tasks run on: this machine's workers, or the cluster's
    cpus = int(ray.cluster_resources().get("CPU", workers)) if address else workers
    task = ray.remote(_chunk_rows)
    spec_ref = ray.put(spec)  # sent once, not with every task
    refs = {
        task.remote(spec_ref, key, lo, hi, data_dir): (lo, hi)
        for lo, hi in chunks.plan(todo, cpus, biggest)
    }
    try:
        while refs:
            done, _ = ray.wait(list(refs), num_returns=1)
            for ref in done:
                lo, hi = refs.pop(ref)
                yield lo, hi, ray.get(ref)
    finally:
        for ref in refs:  # an interrupted run: the chunks not yet written
            with contextlib.suppress(Exception):
                ray.cancel(ref, force=True)


def run_experiment(
    exp: Experiment,
    db: str | Path,
    *,
    workers: int = 1,
    backend: str = "local",
    resume: bool = False,
    data_dir: str | None = None,
    ray_address: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    fresh_if_changed: bool = False,
    inputs_changed: Callable[[str, list[str]], None] | None = None,
) -> str:
    """Run ``exp`` into ``db``; return the run key. ``progress(done, total)`` after each
    chunk, in replications.

    With ``resume``, a run already in ``db`` under this run key is finished; when
    ``db`` holds no such run but one of the same experiment with other inputs, that
    is an :class:`InputError` saying what changed, unless ``fresh_if_changed``: then
    ``inputs_changed(previous_key, changes)`` is told and a new run starts beside it.
    """
    if backend not in ("local", "ray"):
        raise InputError(f"unknown backend '{backend}' (local or ray)", source="--backend")
    if ray_address is not None:
        if backend != "ray":
            raise InputError("goes with --backend ray", source="--ray-address")
        check_ray_address(ray_address)
    limits.check("workers", workers, source="--workers")
    if fresh_if_changed and not resume:
        raise InputError("goes with --resume", source="--fresh-if-changed")
    meta = run_metadata(exp)
    key = meta["run_key"]
    designs = [{"id": d.id, "title": d.title, "settings": d.settings()} for d in exp.designs]
    # Every input is checked before the database is opened (the world and its data, the
    # designs' councils and policies): the setting is built here, once, and the serial
    # run and forked workers reuse it. A run that fails before its first chunk is written
    # leaves nothing behind: a database it created is removed, a run it added is deleted.
    _SETTINGS.clear()
    _SETTINGS[key] = prepare(parse_experiment(meta["spec"], exp.id), data_dir)
    path = Path(db)
    created = not path.exists()
    written = 0
    try:
        with Store(path) as store:
            if resume and not store.has_run(key):
                previous = store.runs_of(exp.id)
                if not previous.empty:
                    row = previous.iloc[-1]
                    what = _changed(store, row, meta, exp)
                    if not fresh_if_changed:
                        shown = "; ".join(what[:4]) + (
                            f"; and {len(what) - 4} more" if len(what) > 4 else ""
                        )
                        raise InputError(
                            f"cannot resume run {row['run_key']} of '{exp.id}': its inputs "
                            f"changed: {shown} (--fresh-if-changed starts a new run, as does "
                            "leaving out --resume)",
                            source=str(db),
                            field="--resume",
                        )
                    if inputs_changed is not None:
                        inputs_changed(str(row["run_key"]), what)
            existed = store.start_run(meta, designs)
            try:
                done = store.done_ranges(key)
                if existed and not resume and done:
                    raise InputError(
                        f"this run is already in the database ({len(done)} chunks); "
                        "use --resume to finish it or another --db",
                        source=str(db),
                    )
                todo = chunks.todo(exp.replications, done)
                total = exp.replications
                finished = total - sum(hi - lo for lo, hi in todo)
                if progress is not None:
                    progress(finished, total)
                spec = meta["spec"]
                st = _SETTINGS[key]
                biggest = chunks.largest(st.world.n, exp.threats.max_per_year)
                stream = (
                    _local(todo, spec, key, workers, data_dir, biggest)
                    if backend == "local"
                    else _ray(todo, spec, key, workers, data_dir, ray_address, biggest)
                )
                for lo, hi, rows in stream:
                    store.write_chunk(key, lo, (lo, hi), rows)
                    written += 1
                    finished += hi - lo
                    if progress is not None:
                        progress(finished, total)
                store.finish_run(key)
            except BaseException:
                if not existed and written == 0 and not created:
                    store.forget_run(key)
                raise
    except BaseException:
        if created and written == 0:
            _remove_database(path)
        raise
    return key


def _remove_database(path: Path) -> None:
    """Remove a database file (and DuckDB's write-ahead log beside it)."""
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(OSError):
            p.unlink()
