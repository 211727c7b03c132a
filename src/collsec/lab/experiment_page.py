"""The lab's experiment page: a small built-in experiment run in the background.

A run goes through the experiments' public runner
(:func:`collsec.experiments.runner.run_experiment`) as ``collsec experiment ID
--replications R --years Y --workers 1 --db FILE`` does, in one thread of the server
(one run at a time), into its own DuckDB file in the lab's working directory; the full
HTML report is written beside it by :func:`collsec.experiments.report.write_report`.
The page reads the results back from that file and summarises them with
:func:`collsec.experiments.summary.summarize` (means and Student-t intervals, paired
differences against the reference design): the statistics are the report's, the page
only draws them.

A run's files outlive the server: after a restart the page reads a finished run
from its file again, and says so of a run the restart cut short.
"""

from __future__ import annotations

import base64
import io
import logging
import re
import secrets
import tempfile
import textwrap
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from collsec import limits
from collsec.errors import CollsecError, InputError
from collsec.experiments.report import (
    KEY_METRICS,
    format_difference,
    format_interval,
    verdict,
    write_report,
)
from collsec.experiments.runner import run_experiment
from collsec.experiments.spec import builtin_experiment_ids, load_experiment
from collsec.experiments.store import METRIC_INFO, Store
from collsec.experiments.summary import summarize

__all__ = ["MAX_REPLICATIONS", "MAX_YEARS", "Runs", "parse_run_request", "routes"]

log = logging.getLogger(__name__)

#: the page's own caps (the command line runs more); defaults of the form
MAX_REPLICATIONS, MAX_YEARS = 200, 50
DEFAULT_REPLICATIONS, DEFAULT_YEARS = 20, 10
#: the metrics drawn unless the reader picks others (2 or 3 of KEY_METRICS)
DEFAULT_PLOTTED = ("deterrence_rate", "authorised_share", "paralysis_veto")
RUN_ID = re.compile(r"[0-9a-f]{10}")
#: runs listed on the first page
RECENT = 8

#: axis units of a metric's values and of a difference between two designs
_AXIS = {
    "count": ("events per replication", "events per replication"),
    "share": ("percent", "percentage points"),
    "days": ("days", "days"),
    "index": ("index", "index points"),
    "rho": ("Spearman rho", "rho"),
    "cost": ("CINC-share units", "CINC-share units"),
}
_VERDICT_COLOUR = {
    "better": "#1a7f37",
    "worse": "#c62828",
    "differs": "#1f5fae",
    "unclear": "#8a8a8a",
}


def _unit(metric: str) -> str:
    return METRIC_INFO[metric][1]


def _scale(metric: str) -> float:
    return 100.0 if _unit(metric) == "share" else 1.0


def _oneline(text: str) -> str:
    return " ".join(str(text).split())


# -- the form -------------------------------------------------------------------------------


def _whole(text: Any, what: str) -> int:
    t = str(text if text is not None else "").strip()
    if not re.fullmatch(r"[+-]?\d{1,12}", t):
        shown = t if len(t) <= 20 else t[:20] + "..."
        raise InputError(f"must be a whole number, not {shown!r}", source=what)
    return int(t)


def parse_run_request(experiment: str, replications: Any, years: Any):
    """The experiment a form asks for, with its replications and years checked: the
    ranges of :mod:`collsec.limits`, then the page's own caps. One line per problem.

    >>> parse_run_request("veto-variants", "3", "2").replications
    3
    >>> parse_run_request("veto-variants", "500", "2")
    Traceback (most recent call last):
    ...
    collsec.errors.InputError: replications: at most 200 on this page, not 500 (the command line runs more: collsec experiment veto-variants --replications 500)
    """
    if experiment not in builtin_experiment_ids():
        shown = experiment if len(experiment) <= 40 else experiment[:40] + "..."
        known = ", ".join(builtin_experiment_ids())
        raise InputError(f"no built-in experiment {shown!r} (known: {known})", source="experiment")
    values = {}
    for name, raw, cap in (
        ("replications", replications, MAX_REPLICATIONS),
        ("years", years, MAX_YEARS),
    ):
        v = limits.check(name, _whole(raw, name), source=name)
        if v > cap:
            raise InputError(
                f"at most {cap} on this page, not {v} (the command line runs more: "
                f"collsec experiment {experiment} --{name} {v})",
                source=name,
            )
        values[name] = v
    exp = load_experiment(experiment).with_overrides(**values)
    # the page's caps bound the work (200 x 50 of the largest experiment: about 20 s in
    # the background); the memory is checked as the command line checks it
    limits.check_cost(exp.cost(workers=1), source=exp.source or exp.id, time=False)
    return exp


# -- runs -----------------------------------------------------------------------------------


@dataclass
class Run:
    """One experiment the lab runs or ran: what it is, where it writes, how far it got."""

    id: str
    experiment: str
    title: str
    replications: int
    years: int
    designs: list[str]
    db: Path
    report: Path
    started: float
    #: starting (inputs and world), running (chunks), report, done, failed, interrupted
    state: str = "starting"
    chunks_done: int = 0
    chunks_total: int = 0
    finished: float | None = None
    error: str | None = None
    key: str | None = None
    results: Any = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.state in ("starting", "running", "report")

    @property
    def elapsed(self) -> float:
        return (self.finished or time.time()) - self.started

    @property
    def cli(self) -> str:
        return (
            f"collsec experiment {self.experiment} --replications {self.replications} "
            f"--years {self.years} --workers 1 --db {self.db.name}"
        )


class Busy(Exception):
    """A run is already going (one at a time per server)."""

    def __init__(self, run: Run) -> None:
        super().__init__(run.id)
        self.run = run


class Runs:
    """The server's experiment runs, one at a time, each in its own DuckDB file of ``workdir``."""

    def __init__(self, workdir: Path | None) -> None:
        self._workdir = workdir
        self._lock = threading.Lock()
        self._runs: dict[str, Run] = {}
        self._current: Run | None = None
        self._figures: OrderedDict[tuple, tuple[str, str]] = OrderedDict()

    @property
    def workdir(self) -> Path:
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="collsec-lab-"))
        self._workdir.mkdir(parents=True, exist_ok=True)
        return self._workdir

    def start(self, exp: Any) -> Run:
        """Start ``exp`` in a thread; :class:`Busy` when a run is going."""
        with self._lock:
            if self._current is not None and self._current.running:
                raise Busy(self._current)
            where = self.workdir
            rid = secrets.token_hex(5)
            while (where / f"{rid}.duckdb").exists():
                rid = secrets.token_hex(5)
            run = Run(
                id=rid,
                experiment=exp.id,
                title=exp.title,
                replications=exp.replications,
                years=exp.years,
                designs=[d.id for d in exp.designs],
                db=where / f"{rid}.duckdb",
                report=where / f"{rid}.html",
                started=time.time(),
            )
            self._runs[rid] = run
            self._current = run
        threading.Thread(
            target=self._work, args=(run, exp), name=f"collsec-lab-{rid}", daemon=True
        ).start()
        return run

    def current(self) -> Run | None:
        with self._lock:
            return self._current if self._current is not None and self._current.running else None

    def _work(self, run: Run, exp: Any) -> None:
        def progress(done: int, total: int) -> None:  # replications
            run.chunks_done, run.chunks_total = done, total
            run.state = "running"

        try:
            run.key = run_experiment(exp, run.db, workers=1, backend="local", progress=progress)
            run.state = "report"
            write_report(run.db, run.report, run=run.key)
            run.state = "done"
        except CollsecError as err:
            run.error, run.state = _oneline(str(err)), "failed"
        except Exception as err:  # a bug: one line on the page, the traceback in the log
            log.exception("experiment run %s failed", run.id)
            run.error = _oneline(f"the run stopped on an error ({type(err).__name__}: {err})")
            run.state = "failed"
        finally:
            run.finished = time.time()

    def get(self, rid: str) -> Run | None:
        """The run ``rid``: this server's, or one read back from its file (after a restart)."""
        if not RUN_ID.fullmatch(rid or ""):
            return None
        with self._lock:
            run = self._runs.get(rid)
        if run is not None:
            return run
        db = self.workdir / f"{rid}.duckdb"
        if not db.is_file():
            return None
        run = _from_file(rid, db)
        with self._lock:
            return self._runs.setdefault(rid, run)

    def recent(self) -> list[Run]:
        """The latest runs, newest first (this server's and those left in the directory)."""
        files = sorted(self.workdir.glob("*.duckdb"), key=lambda p: p.stat().st_mtime, reverse=True)
        out = []
        for p in files[:RECENT]:
            run = self.get(p.stem)
            if run is not None:
                out.append(run)
        return sorted(out, key=lambda r: r.started, reverse=True)

    def results(self, run: Run) -> dict[str, Any]:
        """A finished run's results and their summary (read once)."""
        if run.results is None:
            run.results = _read_results(run)
        return run.results

    def figures(self, run: Run, metrics: tuple[str, ...]) -> tuple[str, str]:
        """The distributions and differences PNGs (data URIs) of ``metrics`` (kept a while)."""
        key = (run.id, metrics)
        with self._lock:
            if key in self._figures:
                self._figures.move_to_end(key)
                return self._figures[key]
        got = self.results(run)
        figs = (
            distributions_png(got["results"], got["ids"], metrics),
            differences_png(got["summary"], got["ids"], metrics),
        )
        with self._lock:
            self._figures[key] = figs
            while len(self._figures) > 32:
                self._figures.popitem(last=False)
        return figs


def _from_file(rid: str, db: Path) -> Run:
    """A run left in ``db`` by an earlier server: finished, or cut short by the restart."""
    try:
        with Store(db, read_only=True) as store:
            runs = store.runs()
            designs = store.designs(str(runs.iloc[-1]["run_key"])) if not runs.empty else None
    except (CollsecError, duckdb.Error, OSError) as err:
        mtime = db.stat().st_mtime
        return Run(rid, "?", "?", 0, 0, [], db, db.with_suffix(".html"), mtime, "failed",
                   finished=mtime, error=_oneline(f"cannot read {db.name}: {err}"))  # fmt: skip
    mtime = db.stat().st_mtime
    if runs.empty:
        return Run(rid, "?", "?", 0, 0, [], db, db.with_suffix(".html"), mtime, "interrupted",
                   finished=mtime)  # fmt: skip
    row = runs.iloc[-1]
    started = row["started"].timestamp() if hasattr(row["started"], "timestamp") else mtime
    done = row["finished"] is not None and str(row["finished"]) not in ("NaT", "None")
    run = Run(
        id=rid,
        experiment=str(row["experiment"]),
        title=str(row["title"]),
        replications=int(row["replications"]),
        years=int(row["years"]),
        designs=[str(d) for d in designs["design"]] if designs is not None else [],
        db=db,
        report=db.with_suffix(".html"),
        started=started,
        state="done" if done else "interrupted",
        finished=row["finished"].timestamp() if done else mtime,
        key=str(row["run_key"]),
    )
    if not done:
        run.error = "the server stopped before this run finished"
    return run


def _read_results(run: Run) -> dict[str, Any]:
    with Store(run.db, read_only=True) as store:
        results = store.results(run.key)
        designs = store.designs(run.key)
    ids = [str(d) for d in designs["design"]]
    return {
        "results": results,
        "ids": ids,
        "titles": dict(zip(ids, [str(t) for t in designs["title"]], strict=True)),
        "summary": summarize(results, ids),
        "recorded": int(results["rep"].nunique()) if not results.empty else 0,
    }


# -- figures --------------------------------------------------------------------------------


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _style(ax: Any) -> None:
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _title(metric: str) -> str:
    desc = METRIC_INFO[metric][0]
    return "\n".join(textwrap.wrap(f"{metric.replace('_', ' ')}: {desc}", 38))


def distributions_png(results: Any, ids: list[str], metrics: tuple[str, ...]) -> str:
    """Per-replication values of ``metrics`` by design (dots, box, mean): a PNG data URI."""
    from matplotlib.figure import Figure  # no pyplot: figures in the server's threads

    wide = results.pivot_table(
        index="rep", columns=["design", "metric"], values="value", aggfunc="first"
    )
    n = len(ids)
    fig = Figure(figsize=(3.6 * len(metrics) + 1.2, 1.6 + 0.55 * n), layout="constrained")
    axes = fig.subplots(1, len(metrics), sharey=True, squeeze=False)[0]
    rng = np.random.default_rng(0)  # jitter only, fixed so the picture does not move
    for ax, m in zip(axes, metrics, strict=True):
        data = []
        for d in ids:
            s = wide.get((d, m))
            x = np.asarray([] if s is None else s.to_numpy(dtype=float)) * _scale(m)
            data.append(x[np.isfinite(x)])
        pos = np.arange(n)
        ax.boxplot(
            [x if len(x) else [np.nan] for x in data],
            positions=pos,
            orientation="horizontal",
            widths=0.55,
            showfliers=False,
            patch_artist=True,
            boxprops={"facecolor": "#dfe8f5", "edgecolor": "#4a6c9b"},
            medianprops={"color": "#1f3b63", "lw": 1.5},
            whiskerprops={"color": "#4a6c9b"},
            capprops={"color": "#4a6c9b"},
        )
        for i, x in enumerate(data):
            if len(x):
                ax.scatter(x, i + rng.uniform(-0.18, 0.18, len(x)), s=14, color="#333333",
                           alpha=0.55, lw=0, zorder=3)  # fmt: skip
                ax.scatter([x.mean()], [i], marker="D", s=34, color="#e07b00",
                           edgecolor="white", zorder=4)  # fmt: skip
        ax.set_yticks(pos, ids)
        ax.set_title(_title(m), loc="left", fontsize=9.5)
        ax.set_xlabel(_AXIS[_unit(m)][0])
        if _unit(m) == "share":
            ax.set_xlim(-3, 103)
        _style(ax)
    axes[0].invert_yaxis()
    fig.suptitle(
        "Every replication (grey dots), the middle half (box, line at the median), the mean (orange)",
        fontsize=9.5,
        x=0.01,
        ha="left",
        color="#444444",
    )
    return _png(fig)


def differences_png(
    summary: dict[str, Any], ids: list[str], metrics: tuple[str, ...]
) -> str | None:
    """Paired differences of ``metrics`` from the reference design, with 95% intervals."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    ref, others = ids[0], ids[1:]
    if not others:
        return None
    by = {(p["design"], p["metric"]): p for p in summary["paired_differences"]}
    n = len(others)
    fig = Figure(figsize=(3.6 * len(metrics) + 1.2, 2.1 + 0.5 * n), layout="constrained")
    axes = fig.subplots(1, len(metrics), sharey=True, squeeze=False)[0]
    for ax, m in zip(axes, metrics, strict=True):
        k = _scale(m)
        lo_all, hi_all = 0.0, 0.0
        for i, d in enumerate(others):
            p = by.get((d, m))
            if p is None or p["mean"] is None:
                ax.text(0, i, "n/a", ha="center", va="center", color="#8a8a8a", fontsize=9)
                continue
            v = verdict(m, p)
            c = _VERDICT_COLOUR[v]
            ax.plot([p["ci_low"] * k, p["ci_high"] * k], [i, i], color=c, lw=2.4,
                    solid_capstyle="butt")  # fmt: skip
            ax.plot([p["mean"] * k], [i], marker="o", ms=7, color=c,
                    markerfacecolor=c if v != "unclear" else "white", markeredgewidth=1.6)  # fmt: skip
            lo_all, hi_all = min(lo_all, p["ci_low"] * k), max(hi_all, p["ci_high"] * k)
        ax.axvline(0, color="black", lw=1.0, ls="--")
        pad = 0.08 * ((hi_all - lo_all) or 1.0)
        ax.set_xlim(lo_all - pad, hi_all + pad)
        ax.set_yticks(range(n), others)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_title(_title(m), loc="left", fontsize=9.5)
        ax.set_xlabel(f"minus {ref} ({_AXIS[_unit(m)][1]})")
        _style(ax)
    handles = [
        Line2D([], [], color=_VERDICT_COLOUR[k], marker="o", lw=2, markerfacecolor=f, label=t)
        for k, f, t in (
            ("better", _VERDICT_COLOUR["better"], "better (interval excludes 0)"),
            ("worse", _VERDICT_COLOUR["worse"], "worse (interval excludes 0)"),
            ("differs", _VERDICT_COLOUR["differs"], "differs (neither direction is better)"),
            ("unclear", "white", "interval includes 0"),
        )
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=8.5, frameon=False)
    fig.suptitle(
        f"Each design minus the reference '{ref}', replication by replication: mean and 95% interval",
        fontsize=9.5,
        x=0.01,
        ha="left",
        color="#444444",
    )
    return _png(fig)


# -- the pages ------------------------------------------------------------------------------


def _experiments() -> list[dict[str, Any]]:
    """What ``collsec experiment list --format json`` lists."""
    out = []
    for i in builtin_experiment_ids():
        e = load_experiment(i)
        out.append(
            {
                "id": e.id,
                "title": e.title,
                "designs": [d.id for d in e.designs],
                "replications": e.replications,
                "years": e.years,
            }
        )
    return out


def _plotted(values: list[str]) -> tuple[tuple[str, ...], str | None]:
    """The metrics to draw: 2 or 3 of KEY_METRICS (else the defaults and a message)."""
    if not values:
        return DEFAULT_PLOTTED, None
    unknown = [v for v in values if v not in KEY_METRICS]
    if unknown:
        return DEFAULT_PLOTTED, f"metrics: {unknown[0][:40]!r} is not one of the key metrics"
    chosen = tuple(m for m in KEY_METRICS if m in values)
    if not 2 <= len(chosen) <= 3:
        return DEFAULT_PLOTTED, f"metrics: choose 2 or 3 metrics to draw, not {len(chosen)}"
    return chosen, None


def routes(
    page: Callable[..., Response], problem: Callable[..., Response], workdir: Path | None
) -> list[Route]:
    """``/experiment`` (list and start), ``/experiment/{run}`` and its report."""
    runs = Runs(workdir)

    def listing(request: Request, form: dict[str, Any] | None = None, error: str | None = None,
                busy: Run | None = None, status: int = 200) -> Response:  # fmt: skip
        form = form or {
            "experiment": request.query_params.get("experiment", "veto-variants"),
            "replications": DEFAULT_REPLICATIONS,
            "years": DEFAULT_YEARS,
        }
        return page(
            request,
            "experiment.html",
            status=status,
            view="list",
            experiments=_experiments(),
            form=form,
            error=error,
            busy=busy,
            current=runs.current(),
            recent=runs.recent(),
            max_replications=MAX_REPLICATIONS,
            max_years=MAX_YEARS,
        )

    def index(request: Request) -> Response:
        return listing(request)

    async def start(request: Request) -> Response:
        f = await request.form()
        form = {
            "experiment": str(f.get("experiment", ""))[:80],
            "replications": str(f.get("replications", ""))[:20],
            "years": str(f.get("years", ""))[:20],
        }
        try:
            exp = parse_run_request(form["experiment"], form["replications"], form["years"])
        except CollsecError as err:
            return listing(request, form, error=str(err), status=400)
        try:
            run = runs.start(exp)
        except Busy as b:
            return listing(request, form, busy=b.run, status=409)
        return RedirectResponse(f"/experiment/{run.id}", 303)

    def show(request: Request) -> Response:
        run = runs.get(request.path_params["run"])
        if run is None:
            return problem(request, InputError("no such run on this lab", source="experiment"), 404)
        full = next((e for e in _experiments() if e["id"] == run.experiment), None)
        ctx: dict[str, Any] = {"view": "run", "run": run, "metric_info": METRIC_INFO, "full": full}
        status = 200
        if run.state == "done":
            try:
                got = runs.results(run)
            except Exception as err:  # a file gone or damaged since: say so on the page
                log.exception("reading run %s", run.id)
                return problem(request, InputError(_oneline(str(err)), source=run.db.name), 500)
            plotted, error = _plotted(request.query_params.getlist("m"))
            dist, diff = runs.figures(run, plotted)
            ids = got["ids"]
            by = {(p["design"], p["metric"]): p for p in got["summary"]["paired_differences"]}
            ctx |= {
                "got": got,
                "ids": ids,
                "key_metrics": KEY_METRICS,
                "plotted": plotted,
                "error": error,
                "dist_png": dist,
                "diff_png": diff,
                "means": {
                    (d["id"], m): format_interval(m, d["metrics"][m])
                    for d in got["summary"]["designs"]
                    for m in KEY_METRICS
                },
                "diffs": {
                    (d, m): (format_difference(m, by[(d, m)]), verdict(m, by[(d, m)]))
                    for d in ids[1:]
                    for m in KEY_METRICS
                    if (d, m) in by
                },
            }
            status = 400 if error else 200
        return page(request, "experiment.html", status=status, **ctx)

    def report(request: Request) -> Response:
        run = runs.get(request.path_params["run"])
        if run is None or run.state != "done" or not run.report.is_file():
            return problem(
                request, InputError("no report for this run (yet)", source="experiment"), 404
            )
        return FileResponse(run.report, media_type="text/html")

    return [
        Route("/experiment", index),
        Route("/experiment", start, methods=["POST"]),
        Route("/experiment/{run}", show),
        Route("/experiment/{run}/report.html", report),
    ]
