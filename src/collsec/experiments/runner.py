"""Running an experiment: chunks of replications on local processes or Ray, into DuckDB.

Replications are cut into chunks of :data:`CHUNK` (the cut never changes a
number: see :mod:`collsec.experiments.history`). Each chunk runs every design;
its rows and its completion mark go into the database in one transaction, in
the main process, as chunks finish. ``resume`` skips the chunks already
recorded for the same run: the same run key, the hash of the content of every
input (:mod:`collsec.experiments.identity`: the resolved charters, parameters,
scenario and policy of each design, the experiment, the data checksums, the
package version and the model's code). A run killed at any point loses at most
the chunks in flight and never writes one twice. ``resume`` refuses when the
database holds a run of the same experiment whose inputs changed, and says
what changed (``fresh_if_changed`` starts a new run instead).
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from collsec import __version__, limits
from collsec.errors import InputError
from collsec.experiments.hazard import Hazard
from collsec.experiments.history import prepare, run_replications
from collsec.experiments.identity import changes, data_versions, run_inputs, run_key_of, spec_dict
from collsec.experiments.spec import Experiment, parse_experiment
from collsec.experiments.store import Store
from collsec.workers import process_pool

__all__ = [
    "CHUNK",
    "data_versions",
    "default_db",
    "run_experiment",
    "run_key",
    "run_metadata",
]

CHUNK = 25

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


def _chunks(exp: Experiment) -> list[tuple[int, int, int]]:
    return [
        (i, lo, min(lo + CHUNK, exp.replications))
        for i, lo in enumerate(range(0, exp.replications, CHUNK))
    ]


def _local(jobs, spec, key, workers: int, data_dir) -> Iterator[tuple[int, tuple, list]]:
    if workers <= 1:
        for chunk, lo, hi in jobs:
            yield chunk, (lo, hi), _chunk_rows(spec, key, lo, hi, data_dir)
        return
    from concurrent.futures import FIRST_COMPLETED, wait

    with process_pool(workers) as pool:  # workers that die with this process
        pending = {}
        it = iter(jobs)
        for job in it:
            pending[pool.submit(_chunk_rows, spec, key, job[1], job[2], data_dir)] = job
            if len(pending) >= 2 * workers:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                chunk, lo, hi = pending.pop(fut)
                yield chunk, (lo, hi), fut.result()
                nxt = next(it, None)
                if nxt is not None:
                    pending[pool.submit(_chunk_rows, spec, key, nxt[1], nxt[2], data_dir)] = nxt


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


def _ray(jobs, spec, key, workers: int, data_dir, address: str | None):
    try:
        import ray
    except ImportError:
        raise InputError(
            "the ray backend needs Ray: pip install 'collsec[ray]'", source="--backend"
        ) from None
    started = False
    if not ray.is_initialized():
        kw: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
        if address:
            kw["address"] = address
        else:
            # a Ray of this run's own, even when a cluster runs on this machine (ray.init
            # would join it and refuse num_cpus): --ray-address is how to use one
            kw["address"] = "local"
            kw["num_cpus"] = max(1, workers)
        ray.init(**kw)
        started = True
    try:
        task = ray.remote(_chunk_rows)
        refs = {task.remote(spec, key, lo, hi, data_dir): (c, lo, hi) for c, lo, hi in jobs}
        while refs:
            done, _ = ray.wait(list(refs), num_returns=1)
            for ref in done:
                chunk, lo, hi = refs.pop(ref)
                yield chunk, (lo, hi), ray.get(ref)
    finally:
        if started:
            ray.shutdown()


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
    """Run ``exp`` into ``db``; return the run key. ``progress(done, total)`` per chunk.

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
                done = store.done_chunks(key)
                if existed and not resume and done:
                    raise InputError(
                        f"this run is already in the database ({len(done)} chunks); "
                        "use --resume to finish it or another --db",
                        source=str(db),
                    )
                jobs = [j for j in _chunks(exp) if j[0] not in done]
                total = len(_chunks(exp))
                if progress is not None:
                    progress(len(done), total)
                spec = meta["spec"]
                stream = (
                    _local(jobs, spec, key, workers, data_dir)
                    if backend == "local"
                    else _ray(jobs, spec, key, workers, data_dir, ray_address)
                )
                finished = len(done)
                for chunk, reps, rows in stream:
                    store.write_chunk(key, chunk, reps, rows)
                    written += 1
                    finished += 1
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
