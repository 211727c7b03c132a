"""Experiment results in DuckDB: every run traceable, every chunk written once.

Schema (one database may hold many runs; ``run_key`` identifies a run: the
hash of its inputs, the content of everything that decides its numbers, see
:mod:`collsec.experiments.identity`):

``runs``
    ``run_key`` VARCHAR PRIMARY KEY, ``experiment`` (id), ``title``,
    ``description``, ``spec`` (JSON of the resolved experiment), ``seed``
    BIGINT, ``replications`` INTEGER, ``years`` INTEGER, ``collsec_version``,
    ``data_versions`` (JSON), ``parameters`` (JSON: design id -> the full
    parameter set it ran with), ``citations`` (JSON list of strings),
    ``started`` TIMESTAMP, ``finished`` TIMESTAMP (NULL while running).
``designs``
    ``run_key``, ``design`` (id), ``position`` INTEGER (0 = the reference of
    paired differences), ``title``, ``settings`` (JSON).
``results``
    ``run_key``, ``design``, ``rep`` INTEGER, ``metric`` VARCHAR, ``value``
    DOUBLE (NULL where undefined, e.g. a share of zero events): one row per
    replication, design and metric (:data:`METRICS`).
``inputs``
    ``run_key``, ``design`` (NULL for a run-wide input), ``input`` (``spec``,
    ``collsec``, ``data``, ``default_parameters``, ``code``; per design
    ``charter:council``, ``charter:nato``, ``charter:regional``,
    ``charter:general_assembly``, ``parameters``, ``scenario``, ``policy``),
    ``sha256`` VARCHAR (the input's hash, as it entered the run key),
    ``content`` (JSON: the input itself, e.g. the resolved charter). Runs
    recorded before collsec 0.2.0 have no rows here.
``chunks``
    ``run_key``, ``chunk`` INTEGER (its first replication; in runs of earlier
    versions, its position among chunks of 25), ``rep_from``, ``rep_to`` (half-open),
    ``finished`` TIMESTAMP. A chunk's results and its row here are written in
    one transaction, so a run killed at any point resumes with the chunks
    not yet recorded and loses or duplicates nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from collsec.crisis.metrics import METRIC_INFO, METRICS
from collsec.errors import InputError

__all__ = ["METRICS", "METRIC_INFO", "Store"]

# the metrics of every run, written once with the crisis loop


_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_key VARCHAR PRIMARY KEY, experiment VARCHAR, title VARCHAR, description VARCHAR,
    spec VARCHAR, seed BIGINT, replications INTEGER, years INTEGER,
    collsec_version VARCHAR, data_versions VARCHAR, parameters VARCHAR, citations VARCHAR,
    started TIMESTAMP, finished TIMESTAMP
);
CREATE TABLE IF NOT EXISTS designs (
    run_key VARCHAR, design VARCHAR, position INTEGER, title VARCHAR, settings VARCHAR
);
CREATE TABLE IF NOT EXISTS results (
    run_key VARCHAR, design VARCHAR, rep INTEGER, metric VARCHAR, value DOUBLE
);
CREATE TABLE IF NOT EXISTS inputs (
    run_key VARCHAR, design VARCHAR, input VARCHAR, sha256 VARCHAR, content VARCHAR
);
CREATE TABLE IF NOT EXISTS chunks (
    run_key VARCHAR, chunk INTEGER, rep_from INTEGER, rep_to INTEGER, finished TIMESTAMP
);
"""


#: DuckDB's words for the operating system's errors, and their error numbers
_OS_ERRORS = (
    ("no space left", errno.ENOSPC),
    ("disk quota", errno.EDQUOT),
    ("read-only file system", errno.EROFS),
    ("permission denied", errno.EACCES),
    ("no such file or directory", errno.ENOENT),
    ("not a directory", errno.ENOTDIR),
    ("is a directory", errno.EISDIR),
    ("file too large", errno.EFBIG),
)


def _os_error(err: Exception, path: Path) -> OSError:
    """DuckDB's error about the file system as the OSError it is (one line, the path)."""
    text = str(err).splitlines()[0] if str(err) else err.__class__.__name__
    low = text.lower()
    code = next((n for words, n in _OS_ERRORS if words in low), errno.EIO)
    return OSError(code, f"{os.strerror(code)} ({text.removeprefix('IO Error: ')})", str(path))


class Store:
    """A DuckDB file of experiment runs (the embedded default backend).

    A problem of the file system (no space left, no permission, a read-only
    disk) is raised as :class:`OSError` naming the database; a file that is
    not a DuckDB database as :class:`~collsec.errors.InputError`.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False):
        self.path = Path(path)
        if read_only and not self.path.is_file():
            raise InputError("no such database", source=str(path))
        if self.path.is_dir():
            raise InputError("is a folder, not a database", source=str(path))
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as err:
            if "not a valid duckdb" in str(err).lower():
                first = str(err).splitlines()[0]
                raise InputError(
                    f"not a usable DuckDB database ({first})", source=str(path)
                ) from None
            raise _os_error(err, self.path) from None
        except duckdb.Error as err:
            first = str(err).splitlines()[0]
            raise InputError(f"not a usable DuckDB database ({first})", source=str(path)) from None
        if not read_only:
            with self._io():
                self.con.execute(_SCHEMA)

    @contextlib.contextmanager
    def _io(self) -> Iterator[None]:
        """DuckDB's input/output errors as OSError naming the database."""
        try:
            yield
        except duckdb.IOException as err:
            raise _os_error(err, self.path) from None
        except duckdb.FatalException as err:
            raise _os_error(err, self.path) from None

    def close(self) -> None:
        with self._io():
            self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
            return
        # already failing: close quietly, the first error is the one to report
        with contextlib.suppress(Exception):
            self.con.close()

    # -- runs ---------------------------------------------------------------------------

    def start_run(self, run: dict[str, Any], designs: Sequence[dict[str, Any]]) -> bool:
        """Record a run (if new); True when it already existed (a resume)."""
        key = run["run_key"]
        if self.con.execute("SELECT 1 FROM runs WHERE run_key = ?", [key]).fetchone():
            return True
        with self._io(), self._transaction():
            self._insert_run(run, designs)
        return False

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN ... COMMIT; on any error a rollback that cannot hide the error."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
            self.con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                self.con.execute("ROLLBACK")
            raise

    def _insert_run(self, run: dict[str, Any], designs: Sequence[dict[str, Any]]) -> None:
        key = run["run_key"]
        self.con.execute(
            "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [
                key,
                run["experiment"],
                run["title"],
                run["description"],
                json.dumps(run["spec"], sort_keys=True),
                run["seed"],
                run["replications"],
                run["years"],
                run["collsec_version"],
                json.dumps(run["data_versions"], sort_keys=True),
                json.dumps(run["parameters"], sort_keys=True),
                json.dumps(run["citations"]),
                dt.datetime.now(),
            ],
        )
        for i, d in enumerate(designs):
            self.con.execute(
                "INSERT INTO designs VALUES (?, ?, ?, ?, ?)",
                [key, d["id"], i, d["title"], json.dumps(d["settings"], sort_keys=True)],
            )
        for x in run.get("inputs", ()):
            self.con.execute(
                "INSERT INTO inputs VALUES (?, ?, ?, ?, ?)",
                [key, x.design, x.name, x.sha256, json.dumps(x.content, sort_keys=True)],
            )

    def forget_run(self, key: str) -> None:
        """Delete a run and all it wrote (a run that failed before its first chunk); quietly,
        as it is called while another error is on its way."""
        with contextlib.suppress(Exception):
            self.con.execute("ROLLBACK")  # whatever the failed write left open
        with contextlib.suppress(Exception), self._transaction():
            for table in ("chunks", "results", "designs", "inputs", "runs"):
                self.con.execute(f"DELETE FROM {table} WHERE run_key = ?", [key])

    def has_run(self, key: str) -> bool:
        return bool(self.con.execute("SELECT 1 FROM runs WHERE run_key = ?", [key]).fetchone())

    def finish_run(self, key: str) -> None:
        with self._io():
            self.con.execute(
                "UPDATE runs SET finished = ? WHERE run_key = ?", [dt.datetime.now(), key]
            )

    def done_chunks(self, key: str) -> set[int]:
        rows = self.con.execute("SELECT chunk FROM chunks WHERE run_key = ?", [key]).fetchall()
        return {int(r[0]) for r in rows}

    def done_ranges(self, key: str) -> list[tuple[int, int]]:
        """The replication ranges ``[rep_from, rep_to)`` of the recorded chunks, in order."""
        rows = self.con.execute(
            "SELECT rep_from, rep_to FROM chunks WHERE run_key = ? ORDER BY rep_from", [key]
        ).fetchall()
        return [(int(lo), int(hi)) for lo, hi in rows]

    def write_chunk(
        self, key: str, chunk: int, reps: tuple[int, int], rows: Iterable[tuple]
    ) -> None:
        """Write one chunk's rows ``(design, rep, metric, value)`` and mark it done, atomically.

        A chunk whose replications a recorded chunk already covers is not written again
        (a duplicate delivery: the first is kept); one that overlaps a recorded chunk
        in part is an error (a plan that cut the run twice)."""
        df = pd.DataFrame(list(rows), columns=["design", "rep", "metric", "value"])
        df.insert(0, "run_key", key)
        with self._io(), self._transaction():
            overlap = self.con.execute(
                "SELECT rep_from, rep_to FROM chunks WHERE run_key = ? AND rep_from < ? "
                "AND rep_to > ?",
                [key, reps[1], reps[0]],
            ).fetchall()
            if overlap:
                if all(lo <= reps[0] and reps[1] <= hi for lo, hi in overlap):
                    return  # already written (a duplicate delivery): keep the first
                raise RuntimeError(
                    f"chunk {reps[0]}-{reps[1]} overlaps recorded chunks {overlap} of run {key}"
                )
            self.con.register("chunk_rows", df)
            self.con.execute("INSERT INTO results SELECT * FROM chunk_rows")
            self.con.unregister("chunk_rows")
            self.con.execute(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?)",
                [key, chunk, reps[0], reps[1], dt.datetime.now()],
            )

    # -- reading ------------------------------------------------------------------------

    def runs(self) -> pd.DataFrame:
        return self.con.execute("SELECT * FROM runs ORDER BY started").df()

    def runs_of(self, experiment: str) -> pd.DataFrame:
        """The runs of one experiment, the latest started last."""
        return self.con.execute(
            "SELECT * FROM runs WHERE experiment = ? ORDER BY started", [experiment]
        ).df()

    def inputs(self, key: str) -> pd.DataFrame:
        """The inputs of a run (:mod:`collsec.experiments.identity`): ``design``
        (None for run-wide ones), ``input``, ``sha256``, ``content`` (JSON text);
        empty for a run recorded before inputs were (or a database without the table)."""
        try:
            return self.con.execute(
                """SELECT i.design, i.input, i.sha256, i.content FROM inputs i
                   LEFT JOIN designs d ON d.run_key = i.run_key AND d.design = i.design
                   WHERE i.run_key = ? ORDER BY d.position NULLS FIRST, i.input""",
                [key],
            ).df()
        except duckdb.CatalogException:  # read-only, from before the table existed
            return pd.DataFrame(columns=["design", "input", "sha256", "content"])

    def designs(self, key: str) -> pd.DataFrame:
        return self.con.execute(
            "SELECT * FROM designs WHERE run_key = ? ORDER BY position", [key]
        ).df()

    def results(self, key: str) -> pd.DataFrame:
        """Long results of a run, ordered by design position, replication and metric."""
        return self.con.execute(
            """SELECT r.design, r.rep, r.metric, r.value FROM results r
               JOIN designs d ON d.run_key = r.run_key AND d.design = r.design
               WHERE r.run_key = ? ORDER BY d.position, r.rep, r.metric""",
            [key],
        ).df()
