"""A readable, self-contained HTML report of one experiment run stored in DuckDB.

:func:`write_report` reads a run from a :class:`~collsec.experiments.store.Store`,
summarises it with :func:`~collsec.experiments.summary.summarize` and writes one
HTML file (figures as PNG data URIs, no external scripts or styles) with:

* the experiment's header (title, id, write-up, seed, replications, years,
  version, run key, times) and how to read the numbers;
* the designs side by side: mean and 95% t-interval of every metric;
* paired differences against the reference design (common random numbers):
  a table and a forest plot per group of metrics with the same unit;
* per-replication distributions of the key metrics by design;
* the parameters that differ between designs (all of them folded away);
* the rules behind the numbers: each design's charters as the run resolved
  them (id, seats, the deciding rule, hash), its policy and the parameters
  that differ from the defaults, and the hashes of the code and data
  (:mod:`collsec.experiments.identity`);
* data versions and citations, and the other runs in the same database.

The file is written atomically: whole or not at all.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from collsec.data.export import atomic_write_bytes, atomic_write_text, check_output_path
from collsec.errors import InputError
from collsec.experiments.store import METRIC_INFO, METRICS, Store
from collsec.experiments.summary import summarize

__all__ = [
    "KEY_METRICS",
    "UNIT_GROUPS",
    "format_difference",
    "format_interval",
    "format_value",
    "write_report",
]

#: Metrics whose per-replication distributions are drawn.
KEY_METRICS: tuple[str, ...] = (
    "aggression_attempted",
    "deterrence_rate",
    "authorised_share",
    "paralysis_veto",
    "time_to_decision",
    "burden_gini",
    "legitimacy",
    "credibility_final",
)

#: Forest-plot groups: title -> units drawn on one common axis.
UNIT_GROUPS: dict[str, tuple[str, ...]] = {
    "Counts per replication": ("count",),
    "Shares": ("share",),
    "Time to decision": ("days",),
    "Indices": ("index", "rho"),
    "Costs": ("cost",),
}

_AXIS_UNIT = {
    "count": "events per replication",
    "share": "percent",
    "days": "days",
    "index": "index",
    "rho": "Spearman rho",
    "cost": "CINC-share units",
}
_DIFF_AXIS_UNIT = {**_AXIS_UNIT, "share": "percentage points", "index": "index points"}

DPI = 110
_COLOURS = {
    "better": "#1a7f37",
    "worse": "#c62828",
    "differs": "#1f5fae",
    "unclear": "#8a8a8a",
}
_VERDICT_TEXT = {
    "better": "better",
    "worse": "worse",
    "differs": "differs",
    "unclear": "interval includes 0",
}


# -- number formatting ---------------------------------------------------------------


def _unit(metric: str) -> str:
    return METRIC_INFO[metric][1] if metric in METRIC_INFO else "index"


def _digits(unit: str) -> int:
    return {"count": 1, "share": 1, "days": 1}.get(unit, 3)


def _scale(unit: str) -> float:
    return 100.0 if unit == "share" else 1.0


def format_value(metric: str, value: float | None) -> str:
    """A metric's value for people: counts and days 1 decimal, shares as %, indices 3 decimals."""
    if value is None or not math.isfinite(value):
        return "n/a"
    unit = _unit(metric)
    text = f"{value * _scale(unit):.{_digits(unit)}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text + ("%" if unit == "share" else "")


def format_interval(metric: str, s: dict[str, Any]) -> str:
    """``"mean [ci_low, ci_high]"`` of one entry of :func:`summarize`."""
    if s.get("mean") is None:
        return "n/a"
    return (
        f"{format_value(metric, s['mean'])} "
        f"[{format_value(metric, s['ci_low'])}, {format_value(metric, s['ci_high'])}]"
    )


def _signed(metric: str, value: float) -> str:
    unit = _unit(metric)
    text = f"{value * _scale(unit):+.{_digits(unit)}f}"
    if float(text) == 0:
        text = f"{0:.{_digits(unit)}f}"
    return text


def format_difference(metric: str, d: dict[str, Any]) -> str:
    """A paired difference: ``"+1.2 pp [+0.3, +2.1]"`` (shares in percentage points)."""
    if d.get("mean") is None:
        return "n/a"
    suffix = " pp" if _unit(metric) == "share" else ""
    return (
        f"{_signed(metric, d['mean'])}{suffix} "
        f"[{_signed(metric, d['ci_low'])}, {_signed(metric, d['ci_high'])}]"
    )


def verdict(metric: str, d: dict[str, Any]) -> str:
    """``better``/``worse`` (direction known), ``differs`` (none) or ``unclear`` (0 inside)."""
    lo, hi = d.get("ci_low"), d.get("ci_high")
    if lo is None or hi is None or (lo <= 0 <= hi):
        return "unclear"
    higher_better = METRIC_INFO.get(metric, ("", "", None))[2]
    if higher_better is None:
        return "differs"
    up = lo > 0
    return "better" if up == higher_better else "worse"


# -- reading the database ------------------------------------------------------------


@dataclass
class _Run:
    row: dict[str, Any]
    designs: pd.DataFrame
    results: pd.DataFrame
    others: list[dict[str, Any]]
    inputs: pd.DataFrame


def _load(db: Path, run: str | None) -> _Run:
    source = str(db)
    if not db.exists():
        raise InputError("no such database", source=source)
    if not db.is_file():
        raise InputError("not a file (expected a DuckDB database)", source=source)
    with Store(db, read_only=True) as store:
        try:
            runs = store.runs()
        except duckdb.Error:
            raise InputError("no experiment runs in this database", source=source) from None
        if runs.empty:
            raise InputError("no experiment runs in this database", source=source)
        keys = [str(k) for k in runs["run_key"]]
        if run is None:
            key = keys[-1]  # ordered by start: the latest
        else:
            matches = [k for k in keys if k == run] or [k for k in keys if k.startswith(run)]
            if len(matches) != 1:
                problem = "is ambiguous" if matches else "is not a run in this database"
                shown = ", ".join(keys[-8:]) + (
                    f" and {len(keys) - 8} older" if len(keys) > 8 else ""
                )
                raise InputError(
                    f"run '{run}' {problem} (runs: {shown})",
                    source=source,
                    field="--run",
                )
            key = matches[0]
        row = runs[runs["run_key"] == key].iloc[0].to_dict()
        others = [r for r in runs.to_dict("records") if r["run_key"] != key]
        designs = store.designs(key)
        results = store.results(key)
        inputs = store.inputs(key)
    if designs.empty:
        raise InputError(f"run '{key}' has no designs", source=source)
    return _Run(row=row, designs=designs, results=results, others=others, inputs=inputs)


def _json(text: Any, default: Any) -> Any:
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return default
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return default


def _when(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, dt.datetime | pd.Timestamp):
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _flatten(d: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(d, dict):
        return {prefix or "value": d}
    out: dict[str, Any] = {}
    for k, v in d.items():
        name = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, dict) and v:
            out.update(_flatten(v, name))
        else:
            out[name] = v
    return out


def _show(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, float):
        return f"{v:g}"
    return json.dumps(v, sort_keys=True)


# -- figures -------------------------------------------------------------------------


@dataclass
class _Figure:
    name: str
    caption: str
    png: bytes


def _render(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    finally:
        plt.close(fig)
    return buf.getvalue()


def _short(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _forest(
    group: str, metrics: list[str], paired: list[dict[str, Any]], ref: str, others: list[str]
) -> Any:
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    rows: list[tuple[str, str, dict[str, Any]]] = []
    for m in metrics:
        for d in others:
            hit = next((p for p in paired if p["metric"] == m and p["design"] == d), None)
            if hit is not None and hit["mean"] is not None:
                rows.append((m, d, hit))
    if not rows:
        return None
    units = sorted({_unit(m) for m in metrics})
    scale = _scale(units[0])
    height = 1.0 + 0.34 * len(rows) + 0.25 * len(metrics)
    fig, ax = plt.subplots(figsize=(8.0, max(2.6, height + 0.6)), layout="constrained")
    y = 0.0
    ticks, labels, seps = [], [], []
    last = None
    for m, d, p in rows:
        if last is not None and m != last:
            y += 0.6
            seps.append(y - 0.8)
        last = m
        v = verdict(m, p)
        colour = _COLOURS[v]
        mean, lo, hi = p["mean"] * scale, p["ci_low"] * scale, p["ci_high"] * scale
        ax.plot([lo, hi], [y, y], color=colour, lw=2.2, solid_capstyle="butt")
        ax.plot(
            [mean],
            [y],
            marker="o",
            ms=7,
            color=colour,
            markerfacecolor=colour if v != "unclear" else "white",
            markeredgewidth=1.6,
        )
        ticks.append(y)
        labels.append(f"{m.replace('_', ' ')}: {d}" if len(others) > 1 else m.replace("_", " "))
        y += 1.0
    for s in seps:
        ax.axhline(s, color="#dddddd", lw=0.8)
    ax.axvline(0, color="black", lw=1.0, ls="--")
    ax.set_yticks(ticks, labels)
    ax.invert_yaxis()
    ax.set_ylim(y - 0.4, -0.6)
    unit_label = " / ".join(_DIFF_AXIS_UNIT[u] for u in units)
    ax.set_xlabel(f"difference from {ref} ({unit_label}); 95% interval of paired differences")
    vs = f"{others[0]} vs {ref}" if len(others) == 1 else f"each design vs {ref}"
    ax.set_title(f"{group}: {vs}", loc="left", fontsize=11)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = [
        Line2D([], [], color=_COLOURS[k], marker="o", lw=2, markerfacecolor=f, label=t)
        for k, f, t in (
            ("better", _COLOURS["better"], "better (excludes 0)"),
            ("worse", _COLOURS["worse"], "worse (excludes 0)"),
            ("differs", _COLOURS["differs"], "differs, no better/worse (excludes 0)"),
            ("unclear", "white", "interval includes 0"),
        )
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=8.5, frameon=False)
    lo_all = min(0.0, *(p["ci_low"] * scale for _, _, p in rows))
    hi_all = max(0.0, *(p["ci_high"] * scale for _, _, p in rows))
    pad = 0.06 * ((hi_all - lo_all) or 1.0)
    ax.set_xlim(lo_all - pad, hi_all + pad)
    return fig


def _distribution(metric: str, wide: pd.DataFrame, design_ids: list[str], reps: int) -> Any:
    import matplotlib.pyplot as plt

    unit = _unit(metric)
    scale = _scale(unit)
    data, labels = [], []
    for d in design_ids:
        s = wide.get((d, metric))
        x = np.asarray([] if s is None else s.to_numpy(dtype=float)) * scale
        x = x[np.isfinite(x)]
        data.append(x)
        n = len(x)
        labels.append(d if n == reps else f"{d}\n(defined in {n} of {reps})")
    if not any(len(x) for x in data):
        return None
    fig, ax = plt.subplots(figsize=(6.4, 1.3 + 0.62 * len(design_ids)), layout="constrained")
    pos = np.arange(len(design_ids))
    ax.boxplot(
        [x if len(x) else [np.nan] for x in data],
        positions=pos,
        orientation="horizontal",
        widths=0.55,
        showfliers=False,
        patch_artist=True,
        boxprops={"facecolor": "#dfe8f5", "edgecolor": "#4a6c9b"},
        medianprops={"color": "#1f3b63", "lw": 1.6},
        whiskerprops={"color": "#4a6c9b"},
        capprops={"color": "#4a6c9b"},
    )
    rng = np.random.default_rng(0)  # jitter only; fixed so reports are reproducible
    for i, x in enumerate(data):
        if not len(x):
            continue
        jitter = rng.uniform(-0.18, 0.18, size=len(x))
        small = len(x) <= 200
        ax.scatter(
            x,
            i + jitter,
            s=9 if small else 4,
            color="#333333",
            alpha=0.45 if small else 0.2,
            lw=0,
            zorder=3,
        )
        ax.scatter([x.mean()], [i], marker="D", s=36, color="#e07b00", zorder=4, edgecolor="white")
    ax.set_yticks(pos, labels)
    ax.invert_yaxis()
    description, _, _ = METRIC_INFO.get(metric, (metric, unit, None))
    ax.set_title(
        _short(f"{metric.replace('_', ' ')}: {description}", 70), loc="left", fontsize=10.5
    )
    ax.set_xlabel(f"{_AXIS_UNIT.get(unit, unit)} (dots: replications; orange \u25c6: mean)")
    if unit == "share":
        ax.set_xlim(-3, 103)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def _figures(
    summary: dict[str, Any], results: pd.DataFrame, design_ids: list[str], reps: int
) -> tuple[list[_Figure], list[_Figure]]:
    import matplotlib

    matplotlib.use("Agg")

    forest: list[_Figure] = []
    ref, others = design_ids[0], design_ids[1:]
    paired = summary["paired_differences"]
    present = {p["metric"] for p in paired if p["mean"] is not None}
    if others:
        for group, units in UNIT_GROUPS.items():
            metrics = [m for m in METRICS if _unit(m) in units and m in present]
            if not metrics:
                continue
            fig = _forest(group, metrics, paired, ref, others)
            if fig is not None:
                slug = units[0]
                forest.append(
                    _Figure(
                        f"forest_{slug}",
                        f"{group}: paired differences from {ref} with 95% intervals.",
                        _render(fig),
                    )
                )
    dist: list[_Figure] = []
    if not results.empty:
        wide = results.pivot_table(
            index="rep", columns=["design", "metric"], values="value", aggfunc="first"
        )
        for m in KEY_METRICS:
            fig = _distribution(m, wide, design_ids, reps)
            if fig is not None:
                dist.append(
                    _Figure(
                        f"dist_{m}",
                        f"{m}: per-replication values by design.",
                        _render(fig),
                    )
                )
    return forest, dist


# -- HTML ----------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f;
       max-width: 1180px; margin: 2em auto; padding: 0 1.2em; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.1em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
.sub { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.35em 0.7em; text-align: left;
         vertical-align: top; }
th { background: #f5f6f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.ref, th.ref { background: #fbf8ec; }
.desc { color: #555; font-size: 0.88em; }
.better { color: #1a7f37; font-weight: 600; } .worse { color: #c62828; font-weight: 600; }
.differs { color: #1f5fae; font-weight: 600; } .unclear { color: #777; }
.meta td:first-child { color: #555; white-space: nowrap; }
.note { background: #f3f7fc; border-left: 4px solid #1f5fae; padding: 0.6em 1em; }
.warn { background: #fff4e5; border-left: 4px solid #e07b00; padding: 0.6em 1em; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 1em; }
figure { margin: 0.8em 0; } .stack img { max-width: min(100%, 900px); } figure img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.88em; }
details { margin: 0.8em 0; } summary { cursor: pointer; color: #1f5fae; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
.wide { overflow-x: auto; } /* a table wider than the page scrolls in its box, not the page */
td .verdict { display: block; }
code { font-size: 0.92em; }
"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x))


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], cls: str = "") -> str:
    """Cells are HTML already; ``head`` is escaped. A table too wide for the page (many
    designs) scrolls sideways in its own box, and the page keeps its width."""
    h = "".join(f"<th>{_e(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(r) + "</tr>\n" for r in rows)
    c = f' class="{cls}"' if cls else ""
    return (
        f'<div class="wide"><table{c}><thead><tr>{h}</tr></thead><tbody>\n{body}'
        "</tbody></table></div>\n"
    )


def _img(f: _Figure) -> str:
    data = base64.b64encode(f.png).decode("ascii")
    return (
        f'<figure id="fig-{_e(f.name)}"><img src="data:image/png;base64,{data}" '
        f'alt="{_e(f.caption)}"><figcaption>{_e(f.caption)}</figcaption></figure>\n'
    )


def _paragraphs(text: str) -> str:
    parts = [p.strip() for p in (text or "").split("\n\n") if p.strip()]
    return "".join(f"<p>{_e(' '.join(p.split()))}</p>\n" for p in parts)


def _header(r: _Run, n_recorded: int) -> str:
    row = r.row
    title = row.get("title") or row.get("experiment") or "Experiment"
    finished = _when(row.get("finished"))
    meta = [
        ("experiment", f"<code>{_e(row.get('experiment'))}</code>"),
        ("seed", _e(row.get("seed"))),
        (
            "replications",
            _e(row.get("replications"))
            + (f" ({n_recorded} recorded)" if n_recorded != _int(row.get("replications")) else ""),
        ),
        ("years simulated", _e(row.get("years"))),
        ("collsec version", _e(row.get("collsec_version"))),
        ("run key", f"<code>{_e(row.get('run_key'))}</code>"),
        ("started", _e(_when(row.get("started")))),
        ("finished", _e(finished) if finished else "<em>not finished</em>"),
    ]
    out = [f"<h1>{_e(title)}</h1>\n"]
    out.append(f'<p class="sub">Experiment <code>{_e(row.get("experiment"))}</code></p>\n')
    out.append(_paragraphs(str(row.get("description") or "")))
    planned = _int(row.get("replications"))
    warning = None
    if n_recorded == 0:
        warning = "This run has no replications recorded yet: there is nothing to compare."
    elif planned is not None and n_recorded < planned:
        warning = (
            f"This run is incomplete: the numbers below cover the {n_recorded} of {planned} "
            "replications recorded so far."
        )
    elif not finished:
        warning = "This run is not marked finished, although all its replications are recorded."
    if warning:
        out.append(f'<p class="warn">{_e(warning)}</p>\n')
    rows = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>\n" for k, v in meta)
    out.append(f'<table class="meta"><tbody>\n{rows}</tbody></table>\n')
    return "".join(out)


def _int(x: Any) -> int | None:
    try:
        return int(x)
    except (TypeError, ValueError):
        return None


def _how_to_read(ref: str) -> str:
    return (
        '<div class="note"><p><strong>How to read this.</strong> Each design was simulated '
        "over the same replications. A cell such as <em>12.3% [10.1%, 14.5%]</em> is the mean "
        "over replications and its 95% Student-t interval. Every design met the same random "
        "opportunities in the same replication (common random numbers), so the difference "
        f"between a design and the reference <code>{_e(ref)}</code> is taken replication by "
        "replication; its interval is that of those paired differences, and is much narrower "
        "than comparing two separate intervals would suggest. An interval that excludes 0 is a "
        "difference the replications can tell apart from chance; green marks a change in the "
        "better direction, red in the worse one, blue a change where neither direction is "
        "better; grey intervals include 0. Shares are in percent and their differences in "
        "percentage points (pp). The distribution plots show every replication, so spread and "
        "skew are visible and not only the means.</p></div>\n"
    )


def _side_by_side(summary: dict[str, Any], designs: pd.DataFrame, reps: int) -> str:
    ids = [d["id"] for d in summary["designs"]]
    titles = dict(zip(designs["design"], designs["title"], strict=False))
    head = ["metric", "unit"] + [
        f"{d} (reference)" if i == 0 else str(d) for i, d in enumerate(ids)
    ]
    rows = []
    for m in METRICS:
        description, unit, better = METRIC_INFO[m]
        arrow = {True: " (higher is better)", False: " (lower is better)", None: ""}[better]
        cells = [
            f'<td><code>{_e(m)}</code><br><span class="desc">{_e(description)}{arrow}</span></td>',
            f"<td>{_e('%' if unit == 'share' else unit)}</td>",
        ]
        for i, d in enumerate(summary["designs"]):
            s = d["metrics"][m]
            extra = (
                f' <span class="desc">(n={s["n"]})</span>'
                if s["mean"] is not None and s["n"] < reps
                else ""
            )
            cls = "num ref" if i == 0 else "num"
            cells.append(
                f'<td class="{cls}" data-design="{_e(d["id"])}" data-metric="{_e(m)}">'
                f"{_e(format_interval(m, s))}{extra}</td>"
            )
        rows.append(cells)
    legend = "".join(
        f"<li><code>{_e(d)}</code>: {_e(titles.get(d, ''))}"
        + (" <em>(reference)</em>" if i == 0 else "")
        + "</li>"
        for i, d in enumerate(ids)
    )
    return f"<ul>{legend}</ul>\n" + _table(head, rows)


def _differences_table(summary: dict[str, Any], ids: list[str]) -> str:
    ref, others = ids[0], ids[1:]
    by = {(p["design"], p["metric"]): p for p in summary["paired_differences"]}
    head = ["metric"] + [f"{d} \u2212 {ref}" for d in others]
    rows = []
    for m in METRICS:
        cells = [f"<td><code>{_e(m)}</code></td>"]
        for d in others:
            p = by.get((d, m))
            if p is None or p["mean"] is None:
                cells.append('<td class="num unclear">n/a</td>')
                continue
            v = verdict(m, p)
            mark = "\u25cf" if v != "unclear" else "\u25cb"
            cells.append(
                f'<td class="num {v}" data-design="{_e(d)}" data-metric="{_e(m)}">'
                f"{mark} {_e(format_difference(m, p))} "
                f'<span class="desc verdict">{_e(_VERDICT_TEXT[v])}</span></td>'
            )
        rows.append(cells)
    return _table(head, rows)


def _parameters(params: dict[str, Any], ids: list[str]) -> str:
    if not params:
        return "<p>No parameters recorded for this run.</p>\n"
    flat = {d: _flatten(params.get(d, {})) for d in ids}
    names = sorted({k for v in flat.values() for k in v})
    missing = object()

    def row(name: str) -> list[str]:
        cells = [f"<td><code>{_e(name)}</code></td>"]
        for i, d in enumerate(ids):
            v = flat[d].get(name, missing)
            cls = "num ref" if i == 0 else "num"
            cells.append(f'<td class="{cls}">{"—" if v is missing else _e(_show(v))}</td>')
        return cells

    differ = [n for n in names if len({_show(flat[d].get(n, "\0missing")) for d in ids}) > 1]
    out = []
    if len(ids) > 1:
        if differ:
            out.append(f"<p>{len(differ)} of {len(names)} parameters differ between designs:</p>\n")
            out.append(_table(["parameter", *ids], [row(n) for n in differ]))
        else:
            out.append(f"<p>All {len(names)} parameters are the same in every design.</p>\n")
    out.append(
        f"<details><summary>All {len(names)} parameters per design</summary>\n"
        + _table(["parameter", *ids], [row(n) for n in names])
        + "</details>\n"
    )
    return "".join(out)


def _designs_settings(designs: pd.DataFrame) -> str:
    rows = []
    for rec in designs.to_dict("records"):
        settings = _json(rec.get("settings"), {})
        text = (
            ", ".join(f"{k} = {_show(v)}" for k, v in _flatten(settings).items())
            if settings
            else ""
        )
        rows.append(
            [
                f"<td><code>{_e(rec['design'])}</code></td>",
                f"<td>{_e(rec.get('title'))}</td>",
                f"<td>{_e(text) or '<span class=desc>(defaults)</span>'}</td>",
            ]
        )
    return _table(["design", "title", "settings"], rows)


def _criterion(c: dict[str, Any]) -> str:
    t = c.get("type")
    of = "" if c.get("of", "members") == "members" else f" of {c['of']}"
    weight = f" (weights {c['weight']})" if c.get("weight") else ""
    among = f" among {c['among']}" if c.get("among") else ""
    if t == "quota":
        return f"quota {c.get('count') if c.get('count') is not None else c.get('fraction')}{of}{among}{weight}"
    if t == "veto":
        n = c.get("blockers", 1)
        return f"veto of {c.get('holders')}" + (f" ({n} to block)" if n and n > 1 else "")
    if t == "max_against":
        return f"at most {c.get('count')} against{among}"
    if t == "abstention_cap":
        return f"abstentions at most {c.get('fraction')}{of}"
    return str(t).replace("_", " ") + among


def _rule_summary(charter: dict[str, Any]) -> str:
    """The deciding (default) rule of a stored charter in a few words, with its seats:
    ``"15 seats; substantive: quota 9 + veto of permanent"``."""
    name = charter.get("default_rule", "")
    rule = charter.get("rules", {}).get(name, {})
    clauses = [rule["criteria"]] if rule.get("criteria") else rule.get("any_of", [])
    text = " or ".join(" + ".join(_criterion(c) for c in cl) for cl in clauses) or "?"
    size = (charter.get("members") or {}).get("size")
    return (f"{size} seats; " if size else "") + f"{name}: {text}"


def _inputs_section(r: _Run) -> str:
    """The rules behind the numbers, read back from the run's stored inputs."""
    key = str(r.row.get("run_key"))
    if r.inputs.empty:
        return (
            "<p>This run was recorded without its inputs (before collsec 0.2.0): its charters "
            "are named in the settings above but their content is not in the database.</p>\n"
        )
    rows = r.inputs.to_dict("records")
    run_wide = {x["input"]: x for x in rows if not isinstance(x["design"], str)}
    per: dict[str, dict[str, Any]] = {}
    for x in rows:
        if isinstance(x["design"], str):
            per.setdefault(x["design"], {})[x["input"]] = x
    defaults = _json(run_wide.get("default_parameters", {}).get("content"), {})
    out = [
        "<p>Each design's charters as this run resolved them (<code>extends</code> applied), "
        "its policy and the parameters that differ from the defaults. The run key is the "
        "hash of these inputs with the experiment, the data checksums, the package version "
        "and the model's code (see docs/experiments.md).</p>\n"
    ]
    table = []
    for d in [str(x) for x in r.designs["design"]]:
        got = per.get(d, {})
        council = got.get("charter:council")
        c = _json(council["content"], {}) if council else {}
        policy = _json(got.get("policy", {}).get("content"), {})
        params = _json(got.get("parameters", {}).get("content"), {})
        differ = [
            f"{k} = {_show(v)} (default {_show(defaults.get(k))})"
            for k, v in params.items()
            if defaults and v != defaults.get(k)
        ]
        pol = _e(policy.get("name", ""))
        if policy.get("file"):
            pol += f" in <code>{_e(policy['file'])}</code> (sha256 {_e(policy['sha256'][:12])})"
        table.append(
            [
                f"<td><code>{_e(d)}</code></td>",
                f"<td><code>{_e(c.get('id'))}</code><br><span class=desc>"
                f"{_e(c.get('title'))}</span></td>",
                f"<td>{_e(_rule_summary(c)) if c else ''}</td>",
                f"<td><code>{_e(council['sha256'][:12]) if council else ''}</code></td>",
                f"<td>{pol}</td>",
                f"<td>{_e('; '.join(differ)) or '<span class=desc>(the defaults)</span>'}</td>",
            ]
        )
    out.append(
        _table(
            ["design", "council charter", "deciding rule", "sha256", "policy", "parameters"],
            table,
        )
    )
    code = _json(run_wide.get("code", {}).get("content"), {})
    facts = [
        ("collsec", _e(_json(run_wide.get("collsec", {}).get("content"), ""))),
        (
            "model code",
            f"<code>{_e(run_wide.get('code', {}).get('sha256', '')[:12])}</code> "
            f"({len(code.get('files', {}))} files"
            + (
                f"; git commit <code>{_e(code['git_commit'][:12])}</code>"
                if code.get("git_commit")
                else ""
            )
            + ")",
        ),
        ("data", f"<code>{_e(run_wide.get('data', {}).get('sha256', '')[:12])}</code>"),
    ]
    out.append(
        '<table class="meta"><tbody>\n'
        + "".join(f"<tr><td>{k}</td><td>{v}</td></tr>\n" for k, v in facts)
        + "</tbody></table>\n"
    )
    out.append(
        "<p class=desc>Every input is stored in the database's <code>inputs</code> table; "
        "a design's resolved council charter, for instance: <code>SELECT content FROM inputs "
        f"WHERE run_key = '{_e(key)}' AND design = 'ID' AND input = 'charter:council'</code>"
        "</p>\n"
    )
    return "".join(out)


def _data_section(row: dict[str, Any]) -> str:
    versions = _json(row.get("data_versions"), {})
    citations = _json(row.get("citations"), [])
    out = ["<h3>Data versions</h3>\n"]
    if versions:
        flat = _flatten(versions)
        out.append(
            _table(
                ["dataset", "version"],
                [
                    [f"<td><code>{_e(k)}</code></td>", f"<td>{_e(_show(v))}</td>"]
                    for k, v in flat.items()
                ],
            )
        )
    else:
        out.append("<p>No data versions recorded.</p>\n")
    out.append("<h3>Citations</h3>\n")
    if citations:
        out.append("<ol>" + "".join(f"<li>{_e(c)}</li>" for c in citations) + "</ol>\n")
    else:
        out.append("<p>No citations recorded.</p>\n")
    return "".join(out)


def _other_runs(others: list[dict[str, Any]], db: Path) -> str:
    if not others:
        return ""
    rows = [
        [
            f"<td><code>{_e(o['run_key'])}</code></td>",
            f"<td>{_e(o.get('experiment'))}</td>",
            f"<td>{_e(o.get('title'))}</td>",
            f"<td class=num>{_e(o.get('replications'))}</td>",
            f"<td>{_e(_when(o.get('started')))}</td>",
            f"<td>{_e(_when(o.get('finished')) or 'not finished')}</td>",
        ]
        for o in others
    ]
    return (
        f"<h2>Other runs in this database</h2>\n<p>{len(others)} other run(s) in "
        f"<code>{_e(db.name)}</code>; report one with <code>collsec report {_e(db.name)} "
        "--run KEY</code>.</p>\n"
        + _table(["run key", "experiment", "title", "replications", "started", "finished"], rows)
    )


def _html(
    r: _Run,
    summary: dict[str, Any],
    ids: list[str],
    forest: list[_Figure],
    dist: list[_Figure],
    db: Path,
) -> str:
    recorded = int(r.results["rep"].nunique()) if not r.results.empty else 0
    ref = ids[0]
    body = [_header(r, recorded), _how_to_read(ref)]
    body.append("<h2>Designs side by side</h2>\n")
    body.append(_side_by_side(summary, r.designs, max(recorded, 1)))
    body.append("<h2>Paired differences versus the reference</h2>\n")
    if len(ids) > 1:
        body.append(
            f"<p>Each cell: mean difference (design minus <code>{_e(ref)}</code>) over "
            "replications and its 95% interval. \u25cf the interval excludes 0; \u25cb it "
            "includes 0.</p>\n"
        )
        body.append(_differences_table(summary, ids))
        body.append('<div class="stack">\n' + "".join(_img(f) for f in forest) + "</div>\n")
    else:
        body.append("<p>Only one design: nothing to compare.</p>\n")
    body.append("<h2>Distributions over replications</h2>\n")
    body.append(
        "<p>Every point is one replication; boxes span the middle half with the median, "
        "whiskers reach 1.5 interquartile ranges, the diamond is the mean.</p>\n"
    )
    body.append('<div class="grid">\n' + "".join(_img(f) for f in dist) + "</div>\n")
    body.append("<h2>Designs and parameters</h2>\n")
    body.append(_designs_settings(r.designs))
    body.append(_parameters(_json(r.row.get("parameters"), {}), ids))
    body.append("<h2>The rules behind these numbers</h2>\n")
    body.append(_inputs_section(r))
    body.append("<h2>Data</h2>\n")
    body.append(_data_section(r.row))
    spec = _json(r.row.get("spec"), None)
    if spec is not None:
        body.append(
            "<details><summary>Resolved experiment specification</summary><pre>"
            + _e(json.dumps(spec, indent=2, sort_keys=True))
            + "</pre></details>\n"
        )
    body.append(_other_runs(r.others, db))
    body.append(
        f'<p class="desc">Generated by collsec from <code>{_e(db.name)}</code> on '
        f"{_e(dt.datetime.now().strftime('%Y-%m-%d %H:%M'))}.</p>\n"
    )
    title = r.row.get("title") or r.row.get("experiment") or "Experiment"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)} \u2014 collsec report</title>\n<style>{_CSS}</style>\n</head>\n"
        "<body>\n" + "".join(body) + "</body>\n</html>\n"
    )


# -- entry point ---------------------------------------------------------------------


def write_report(
    db: str | Path,
    out: str | Path | None = None,
    *,
    run: str | None = None,
    figures_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Write the HTML report of a run (default: the latest) in ``db`` to ``out``.

    ``out`` defaults to the database's path with the suffix ``.html``. With
    ``figures_dir`` every figure is also written there as a PNG file. Returns
    ``{"out": path, "run_key": key, "figures": n}``.

    Raises :class:`~collsec.errors.InputError` when the database is missing,
    not DuckDB or holds no runs, when ``run`` names no run in it, or when the
    output's directory does not exist. The HTML is written whole or not at all.
    """
    db = Path(db)
    target = Path(out) if out is not None else db.with_suffix(".html")
    check_output_path(target, (".html", ".htm"), kind="report", field="--out")
    if figures_dir is not None and not Path(figures_dir).is_dir():
        raise InputError("figures directory does not exist", source=str(figures_dir))
    r = _load(db, run)
    ids = [str(d) for d in r.designs["design"]]
    summary = summarize(r.results, ids)
    reps = int(r.results["rep"].nunique()) if not r.results.empty else 0
    forest, dist = _figures(summary, r.results, ids, reps)
    text = _html(r, summary, ids, forest, dist, db)
    atomic_write_text(target, text)
    if figures_dir is not None:
        for f in forest + dist:
            atomic_write_bytes(Path(figures_dir) / f"{f.name}.png", f.png)
    return {
        "out": str(target),
        "run_key": str(r.row["run_key"]),
        "figures": len(forest) + len(dist),
    }
