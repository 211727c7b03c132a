"""Running an experiment: chunks of replications on local processes or Ray, into DuckDB.

Replications are cut into chunks of :data:`CHUNK` (the cut never changes a
number: see :mod:`collsec.experiments.history`). Each chunk runs every design;
its rows and its completion mark go into the database in one transaction, in
the main process, as chunks finish. ``resume`` skips the chunks already
recorded for the same run (same resolved experiment, seed, package and data
versions): a run killed at any point loses at most the chunks in flight and
never writes one twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from collsec import __version__, limits
from collsec.errors import InputError
from collsec.experiments.hazard import Hazard
from collsec.experiments.history import prepare, run_replications
from collsec.experiments.spec import Experiment, parse_experiment
from collsec.experiments.store import Store

__all__ = ["CHUNK", "default_db", "run_experiment", "run_key", "run_metadata"]

CHUNK = 25

_SETTINGS: dict[str, Any] = {}


def _chunk_rows(spec: dict[str, Any], key: str, rep_from: int, rep_to: int, data_dir):
    """Worker entry point (a process or a Ray task): rows of one chunk."""
    st = _SETTINGS.get(key)
    if st is None:
        _SETTINGS.clear()
        st = _SETTINGS[key] = prepare(parse_experiment(spec, spec["id"]), data_dir)
    return run_replications(st, rep_from, rep_to)


def _spec_dict(exp: Experiment) -> dict[str, Any]:
    d = exp.to_dict()
    if not d.get("sensitivity"):
        d.pop("sensitivity", None)
    d["world"] = {k: v for k, v in d["world"].items() if v is not None}
    return json.loads(json.dumps(d))  # plain lists and dicts, as a TOML file would give


def data_versions(exp: Experiment) -> dict[str, Any]:
    h = Hazard.default()
    out: dict[str, Any] = {
        "hazard": {k: v.get("sha256") or v.get("registry_sha256") for k, v in h.sources.items()}
    }
    if exp.world.kind == "synthetic":
        out["world"] = f"synthetic: {exp.world.states} states, seed {exp.world.seed}"
    else:
        out["world"] = f"COW-based world of {exp.world.year} (collsec.world.World.from_year)"
    return out


def citations(exp: Experiment) -> list[str]:
    h = Hazard.default()
    cites = [v["citation"] for v in h.sources.values() if v.get("citation")]
    cites += list(h.citation.values())
    return list(dict.fromkeys(cites))


def run_key(exp: Experiment) -> str:
    blob = json.dumps(
        {"spec": _spec_dict(exp), "collsec": __version__, "data": data_versions(exp)},
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def run_metadata(exp: Experiment) -> dict[str, Any]:
    return {
        "run_key": run_key(exp),
        "experiment": exp.id,
        "title": exp.title,
        "description": exp.description,
        "spec": _spec_dict(exp),
        "seed": exp.seed,
        "replications": exp.replications,
        "years": exp.years,
        "collsec_version": __version__,
        "data_versions": data_versions(exp),
        "parameters": {d.id: exp.parameters(d).to_dict() for d in exp.designs},
        "citations": citations(exp),
    }


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
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    ctx = mp.get_context("spawn" if os.environ.get("COLLSEC_SPAWN") else "fork")
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
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
) -> str:
    """Run ``exp`` into ``db``; return the run key. ``progress(done, total)`` per chunk."""
    if backend not in ("local", "ray"):
        raise InputError(f"unknown backend '{backend}' (local or ray)", source="--backend")
    limits.check("workers", workers, source="--workers")
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
