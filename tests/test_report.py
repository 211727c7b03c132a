"""The HTML report of experiment runs: contents, numbers, figures, errors, atomic writes."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from collsec.errors import InputError
from collsec.experiments import report as rp
from collsec.experiments.report import (
    format_difference,
    format_interval,
    format_value,
    write_report,
)
from collsec.experiments.store import METRIC_INFO, METRICS, Store
from collsec.experiments.summary import summarize

DESIGNS = ("unsc_1945", "no_veto", "qmv_two_thirds")
REPS = 40


def _make_run(path: Path, key: str, seed: int, title: str, *, complete: bool = True) -> None:
    """3 designs x 40 replications of plausible numbers; design j shifts every metric."""
    rng = np.random.default_rng(seed)
    params = {
        d: {"veto": d == "unsc_1945", "quota": 10 if d == "qmv_two_thirds" else 9, "alpha": 0.3}
        for d in DESIGNS
    }
    run = {
        "run_key": key,
        "experiment": "veto_reform",
        "title": title,
        "description": "Does removing the veto make the Council act?\n\nThree Councils compared.",
        "spec": {"id": "veto_reform", "designs": list(DESIGNS)},
        "seed": seed,
        "replications": REPS,
        "years": 50,
        "collsec_version": "0.9.0",
        "data_versions": {"cow_mid": "5.0", "nmc": "6.0"},
        "parameters": params,
        "citations": ["Palmer et al. (2022), The MID5 Dataset", "Singer (1987), NMC <v6>"],
    }
    designs = [{"id": d, "title": f"Council {d}", "settings": {"charter": d}} for d in DESIGNS]
    base = {m: rng.normal(0, 1, REPS) for m in METRICS}
    rows = []
    for j, d in enumerate(DESIGNS):
        for r in range(REPS):
            for m in METRICS:
                unit = METRIC_INFO[m][1]
                z = base[m][r] + 0.4 * rng.normal() + 0.3 * j
                if unit == "count":
                    v = max(0.0, round(6 + 2.5 * z))
                elif unit == "share":
                    v = None if (m == "authorised_share" and r % 13 == 0) else 1 / (1 + np.exp(-z))
                elif unit == "days":
                    v = max(1.0, 40 - 12 * z)
                else:
                    v = float(np.tanh(0.3 + 0.2 * z))
                rows.append((d, r, m, v))
    with Store(path) as s:
        s.start_run(run, designs)
        s.write_chunk(key, 0, (0, 20), [x for x in rows if x[1] < 20])
        if complete:
            s.write_chunk(key, 1, (20, REPS), [x for x in rows if x[1] >= 20])
            s.finish_run(key)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "results.duckdb"
    _make_run(path, "run-older", 7, "Veto reform (first)")
    _make_run(path, "run-latest", 8, "Veto reform & friends")
    return path


@pytest.fixture(scope="module")
def built(db: Path) -> tuple[dict, str, dict]:
    r = write_report(db, db.parent / "report.html")
    with Store(db, read_only=True) as s:
        summary = summarize(s.results(r["run_key"]), list(DESIGNS))
    return r, Path(r["out"]).read_text(encoding="utf-8"), summary


def _cells(text: str, section_start: str, section_end: str) -> dict[tuple[str, str], str]:
    part = text[text.index(section_start) : text.index(section_end)]
    found = re.findall(
        r'<td class="[^"]*" data-design="([^"]+)" data-metric="([^"]+)">(.*?)</td>', part
    )
    return {(d, m): html.unescape(re.sub(r"<[^>]+>", "", c)) for d, m, c in found}


def test_latest_run_by_default_and_others_listed(built) -> None:
    r, text, _ = built
    assert r["run_key"] == "run-latest"
    assert "<h1>Veto reform &amp; friends</h1>" in text
    assert "Other runs in this database" in text and "run-older" in text


def test_header_designs_and_descriptions(built) -> None:
    _, text, _ = built
    for d in DESIGNS:
        assert d in text
    for description, _unit, _better in METRIC_INFO.values():
        assert html.escape(description) in text
    for needle in ("veto_reform", "0.9.0", "run-latest", "Three Councils compared."):
        assert needle in text
    assert "common random numbers" in text and "95%" in text


def test_side_by_side_numbers_equal_summary(built) -> None:
    _, text, summary = built
    cells = _cells(text, "Designs side by side", "Paired differences versus")
    assert len(cells) == len(DESIGNS) * len(METRICS)
    for d in summary["designs"]:
        for m in METRICS:
            s = d["metrics"][m]
            expected = format_interval(m, s)
            assert cells[(d["id"], m)].startswith(expected), (d["id"], m)
            if s["n"] < REPS:  # undefined replications are shown
                assert f"(n={s['n']})" in cells[(d["id"], m)]
    # one spot check against the raw mean, formatted by unit by hand
    share = summary["designs"][0]["metrics"]["deterrence_rate"]
    assert cells[("unsc_1945", "deterrence_rate")].startswith(f"{share['mean'] * 100:.1f}%")
    assert any(c.endswith("(n=36)") for (_, m), c in cells.items() if m == "authorised_share")


def test_paired_differences_equal_summary(built) -> None:
    _, text, summary = built
    cells = _cells(text, "Paired differences versus", "Distributions over replications")
    assert len(cells) == (len(DESIGNS) - 1) * len(METRICS)
    for p in summary["paired_differences"]:
        cell = cells[(p["design"], p["metric"])]
        assert format_difference(p["metric"], p) in cell
        v = rp.verdict(p["metric"], p)
        assert cell.startswith("\u25cf" if v != "unclear" else "\u25cb")


def test_tables_fit_the_page(built) -> None:
    """The differences' verdicts go under the numbers (five designs fit 1180 px), and a
    table wider than the page (more designs) scrolls in its own box, not the page."""
    _, text, _ = built
    before = re.findall(r'(.{0,20})<table(?! class="meta")', text)
    assert before and all(b.endswith('<div class="wide">') for b in before)
    assert ".wide { overflow-x: auto; }" in text and "td .verdict { display: block; }" in text
    part = text[text.index("Paired differences versus") : text.index("Distributions over")]
    cells = re.findall(r'<td class="num [a-z]+" data-design[^>]*>(.*?)</td>', part)
    assert len(cells) == (len(DESIGNS) - 1) * len(METRICS)
    assert all('<span class="desc verdict">' in c for c in cells)


def test_figures_embedded_and_self_contained(built) -> None:
    r, text, _ = built
    imgs = re.findall(r"<img [^>]*>", text)
    assert len(imgs) == r["figures"] >= 8 + 1
    assert all('src="data:image/png;base64,' in i for i in imgs)
    for key_metric in rp.KEY_METRICS:
        assert f'id="fig-dist_{key_metric}"' in text
    assert "<script" not in text and "<link" not in text and "http" not in text.split("<body>")[0]


def test_parameters_differing_and_full(built) -> None:
    _, text, _ = built
    main, full = text.split("<details><summary>All 3 parameters per design</summary>")
    main = main[main.index("Designs and parameters") :]
    assert "2 of 3 parameters differ" in main
    assert "<code>quota</code>" in main and "<code>veto</code>" in main
    assert "<code>alpha</code>" not in main and "<code>alpha</code>" in full


def test_data_versions_and_citations(built) -> None:
    _, text, _ = built
    assert "<code>cow_mid</code></td><td>5.0</td>" in text
    assert "<li>Singer (1987), NMC &lt;v6&gt;</li>" in text


def test_format_by_unit() -> None:
    assert format_value("deterrence_rate", 0.1234) == "12.3%"
    assert format_value("aggression_attempted", 6.04) == "6.0"
    assert format_value("time_to_decision", 41.26) == "41.3"
    assert format_value("burden_gini", 0.41234) == "0.412"
    assert format_value("legitimacy", None) == "n/a"
    s = {"mean": 0.5, "ci_low": 0.45, "ci_high": 0.55, "n": 40}
    assert format_interval("legitimacy", s) == "50.0% [45.0%, 55.0%]"
    d = {"mean": 0.012, "ci_low": -0.003, "ci_high": 0.027, "n": 40}
    assert format_difference("legitimacy", d) == "+1.2 pp [-0.3, +2.7]"
    assert rp.verdict("legitimacy", d) == "unclear"
    assert rp.verdict("legitimacy", {**d, "ci_low": 0.001}) == "better"
    assert rp.verdict("aggression_attempted", {**d, "ci_low": 0.001}) == "worse"
    assert rp.verdict("burden_gini", {**d, "ci_low": 0.001}) == "differs"


def test_run_option_and_unknown_run(db: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(rp, "_figures", lambda *a: ([], []))  # fast: no figures needed
    r = write_report(db, tmp_path / "a.html", run="run-old")  # a unique prefix
    assert r["run_key"] == "run-older" and r["figures"] == 0
    with pytest.raises(InputError, match="run 'nope' is not a run") as err:
        write_report(db, tmp_path / "b.html", run="nope")
    assert str(db) in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(InputError, match="ambiguous"):
        write_report(db, tmp_path / "b.html", run="run-")
    assert not (tmp_path / "b.html").exists()


def test_incomplete_run_is_flagged(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(rp, "_figures", lambda *a: ([], []))
    db = tmp_path / "partial.duckdb"
    _make_run(db, "run-partial", 3, "Half done", complete=False)
    text = Path(write_report(db, tmp_path / "p.html")["out"]).read_text()
    assert "This run is incomplete: the numbers below cover the 20 of 40 replications" in text
    assert "<em>not finished</em>" in text and "40 (20 recorded)" in text


def test_bad_databases(tmp_path: Path) -> None:
    missing = tmp_path / "missing.duckdb"
    text_file = tmp_path / "notes.duckdb"
    text_file.write_text("this is not a database\n" * 100)
    empty = tmp_path / "empty.duckdb"
    Store(empty).close()  # the schema, no runs
    bare = tmp_path / "bare.duckdb"
    import duckdb

    duckdb.connect(str(bare)).close()  # a DuckDB file without tables
    for path in (missing, text_file, empty, bare):
        with pytest.raises(InputError) as err:
            write_report(path, tmp_path / "out.html")
        message = str(err.value)
        assert message.startswith(str(path)) and "\n" not in message, message
    assert not (tmp_path / "out.html").exists()


def test_output_directory_missing(db: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="output directory does not exist"):
        write_report(db, tmp_path / "nowhere" / "r.html")


def test_atomic_write_leaves_no_partial_file(db: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(rp, "_figures", lambda *a: ([], []))
    out = tmp_path / "report.html"
    out.write_text("the previous report")
    real = Path.write_text

    def broken(self: Path, data: str, *args, **kwargs):
        real(self, data[: len(data) // 2], *args, **kwargs)  # half written, then the disk fails
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_text", broken)
    with pytest.raises(OSError, match="disk full"):
        write_report(db, out)
    monkeypatch.undo()
    assert out.read_text() == "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def _app() -> typer.Typer:
    from collsec.cli import report as cli_report

    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """test app"""

    cli_report.register(app)
    return app


def test_cli_json(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    res = CliRunner().invoke(
        _app(), ["report", str(db), "--out", str(out), "--run", "run-older", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert payload == {"out": str(out), "run_key": "run-older", "figures": payload["figures"]}
    assert len(re.findall(r"<img ", out.read_text())) == payload["figures"] > 0
    assert "<h1>Veto reform (first)</h1>" in out.read_text()


def test_cli_text_and_errors(db: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(rp, "_figures", lambda *a: ([], []))
    out = tmp_path / "r.html"
    res = CliRunner().invoke(_app(), ["report", str(db), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == f"collsec: wrote {out} (run run-latest, 0 figures)"
    res = CliRunner().invoke(_app(), ["report", str(tmp_path / "none.duckdb")])
    assert isinstance(res.exception, InputError)
    assert str(res.exception) == f"{tmp_path / 'none.duckdb'}: no such database"
