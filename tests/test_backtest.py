"""The ICB backtest: the targets as the codebook defines them, inputs kept apart from
targets, honest scoring, calibration limited to the development split."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from collsec.backtest.evaluate import score_binary, score_ordinal
from collsec.backtest.icb import (
    activity_step,
    dev_crisis_numbers,
    era,
    read_inputs,
    read_targets,
)
from collsec.backtest.mechanism import agenda_count, regional_bodies

DATA = Path(os.environ.get("COLLSEC_DATA_DIR", "")) / "icb"


@pytest.fixture(scope="module", autouse=True)
def own_cache(tmp_path_factory):
    """A cache of the module's own: the kernel's signals are computed here (never read
    from an earlier checkout's cache) and nothing is written to the user's."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLLSEC_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


def test_activity_ladder_follows_the_codebook():
    # ICB1 GLOBACTM (Var 32): the four documented steps, 13 ("general - other") excluded
    steps = {code: activity_step(code) for code in range(1, 14)}
    assert [c for c, s in steps.items() if s == 0] == [1]
    assert [c for c, s in steps.items() if s == 1] == [2, 3, 4, 7, 8]
    assert [c for c, s in steps.items() if s == 2] == [5, 6]
    assert [c for c, s in steps.items() if s == 3] == [9, 10, 11, 12]
    assert steps[13] is None and activity_step(None) is None


def test_eras_and_institutions_start_on_the_day_in_force():
    assert era(dt.date(1920, 1, 9)) is None
    assert era(dt.date(1920, 1, 10)) == "league"
    assert era(dt.date(1945, 10, 23)) == "league"
    assert era(dt.date(1945, 10, 24)) == "cold_war"
    assert era(dt.date(1989, 12, 31)) == "cold_war"
    assert era(dt.date(1990, 1, 1)) == "post_cold_war"


def test_regional_bodies_in_being():
    assert regional_bodies(42, dt.date(1947, 1, 1)) == []  # before the OAS Charter
    assert "OAS" in regional_bodies(42, dt.date(1954, 6, 18))
    west_africa_1990 = regional_bodies(20, dt.date(1990, 8, 24))
    assert {"OAU/AU", "ECOWAS"} <= set(west_africa_1990)
    assert "Warsaw Pact" in regional_bodies(31, dt.date(1968, 8, 20))
    assert "Warsaw Pact" not in regional_bodies(31, dt.date(1999, 3, 24))
    assert regional_bodies(None, dt.date(2000, 1, 1)) == []


def test_development_list_is_the_split():
    nums = dev_crisis_numbers()
    assert len(nums) == 347
    assert 393 in nums  # the Gulf War is a development crisis


def test_binary_scores_are_exact():
    y = np.array([0, 0, 1, 1, 0, 1, 0, 1])
    s = score_binary(y, y.astype(float))
    assert s["auc"] == 1.0 and s["brier"] == 0.0 and s["positives"] == 4
    p = np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.7, 0.6, 0.9])
    s = score_binary(y, p)
    assert s["auc"] == pytest.approx(14 / 16)  # 14 of 16 positive-negative pairs ordered
    assert s["auc_ci_low"] <= s["auc"] <= s["auc_ci_high"]
    assert s["brier"] == pytest.approx(float(np.mean((p - y) ** 2)), abs=1e-4)


def test_ordinal_scores():
    y = np.array([0, 1, 2, 3, 3, 0])
    probs = np.eye(4)[y]
    s = score_ordinal(y, probs)
    assert s["macro_f1"] == 1.0 and s["spearman"] == pytest.approx(1.0)
    assert s["steps"] == {"none": 2, "talk": 1, "demand": 1, "act": 2}


# -- with the development split -----------------------------------------------------------


@pytest.fixture(scope="module")
def dev_frames():
    crises = pd.read_csv(DATA / "crises_dev.csv", dtype=str, keep_default_na=False)
    actors = pd.read_csv(DATA / "actors_dev.csv", dtype=str, keep_default_na=False)
    return crises, actors


@pytest.mark.data
def test_targets_recode_icb1(dev_frames):
    t = read_targets(DATA / "crises_dev.csv").set_index("crisno")
    raw = dev_frames[0].set_index(dev_frames[0]["crisno"].astype(int))
    g = pd.to_numeric(raw["globorg"], errors="coerce")
    assert t["involvement"].notna().sum() == int(g.isin([1, 2, 3, 4, 5]).sum()) == 340
    assert int(t["council_action"].sum()) == int((g == 5).sum()) == 131
    assert t.loc[393, "council_action"] == 1  # the Gulf War: Council resolutions
    assert t["involvement"].isna().sum() == 7  # globorg 0 (1918-19) and the blank row 474


@pytest.mark.data
def test_inputs_never_read_targets(dev_frames, tmp_path):
    crises = dev_frames[0]
    shuffled = crises.copy()
    rng = np.random.default_rng(1)
    banned = [
        c
        for c in crises.columns
        if c
        not in (
            "icb1",
            "crisno",
            "crisname",
            "break",
            "trigent",
            "yrtrig",
            "motrig",
            "datrig",
            "gravcr",
            "geog",
        )
    ]
    # every coded variable; date parts are left alone (a shuffled day can be impossible)
    banned = [c for c in banned if not c.startswith(("yr", "mo", "da"))]
    assert {"globorg", "globactm", "globefct", "regorg", "viol", "crismg"} <= set(banned)
    for col in banned:
        shuffled[col] = rng.permutation(shuffled[col].to_numpy())
    path = tmp_path / "shuffled.csv"
    shuffled.to_csv(path, index=False)
    a = read_inputs(DATA / "crises_dev.csv", DATA / "actors_dev.csv")
    b = read_inputs(path, DATA / "actors_dev.csv")
    assert a == b
    gulf = next(c for c in a if c.crisno == 393)
    assert gulf.trigger == dt.date(1990, 8, 2) and gulf.trigent == 645 and gulf.initial == (690,)


@pytest.mark.data
def test_agenda_counts_only_before_the_trigger():
    # resolution 660 of 2 August 1990 is the Council's first decision on the invasion;
    # in the ten years before, only resolution 552 (1984) names Kuwait
    assert agenda_count(("kuwait",), dt.date(1990, 8, 2), 1) == 0
    assert agenda_count(("kuwait",), dt.date(1990, 8, 3), 1) == 1
    assert agenda_count(("kuwait",), dt.date(1990, 8, 2), 10) == 1


@pytest.mark.data
def test_council_load_counts_every_decision_of_the_window():
    from collsec.backtest.mechanism import council_load

    # 1990: resolutions 647 to 683 (37, UN Security Council resolutions of 1990) and three
    # drafts put to the vote and not adopted (the library's table for 1990)
    assert council_load(dt.date(1991, 1, 1), 1) == 40
    assert council_load(dt.date(1946, 1, 17), 5) == 0  # the Council's first meeting
    assert council_load(dt.date(1991, 1, 1), 5) > council_load(dt.date(1991, 1, 1), 1)


@pytest.mark.data
def test_recourse_counts_complaints_and_letters_before_the_crisis():
    from collsec.backtest.mechanism import recourse_count

    # "Complaint by Cuba (letter of 11 July 1960)": S/PV.874-876, 18-19 July 1960; then
    # "Complaint by Cuba" at six meetings in 1961 and Cuba's letter of 8 March 1962 on the
    # Punta del Este decisions at seven (the library's tables for 1960-62)
    assert recourse_count(("cuba",), dt.date(1960, 7, 18)) == 0
    assert recourse_count(("cuba",), dt.date(1961, 1, 1)) == 3
    assert recourse_count(("cuba",), dt.date(1962, 10, 22)) == 16
    # "The Guatemalan question" (1954) is an agenda item, not a complaint or letter
    assert recourse_count(("guatemala",), dt.date(1954, 7, 1)) == 0
    assert recourse_count(("cuba",), dt.date(1945, 1, 1)) == 0  # before the Council


def test_agenda_words_are_words():
    from collsec.backtest.mechanism import AGENDA_WORDS

    # a tuple of one word needs its comma: ("syria") would match every letter of it
    for ccode, words in AGENDA_WORDS.items():
        assert isinstance(words, tuple) and all(len(w) > 3 for w in words), ccode
    # the Council's "situation in the Middle East" is the Arab-Israeli item: Israel's
    assert [c for c, w in AGENDA_WORDS.items() if "middle east" in w] == [666]


def test_the_link_has_a_un_copy_of_each_feature():
    from collsec.backtest.evaluate import DESIGN_COLUMNS, MODEL_FEATURES, UN_ONLY, model_design
    from collsec.backtest.icb import IcbCrisis
    from collsec.backtest.mechanism import SIGNALS

    def crisis(n, year):
        return IcbCrisis(n, "x", dt.date(year, 5, 1), 9, 2, 3, 3, (2, 20))

    sig = pd.DataFrame(
        [{"crisno": n, **{k: float(i + 1) for i, k in enumerate(SIGNALS)}} for n in (1, 2)]
    )
    x = model_design([crisis(1, 1930), crisis(2, 1960)], sig)
    assert list(x.columns) == list(DESIGN_COLUMNS)
    shared = [f for f in MODEL_FEATURES if f not in UN_ONLY]
    # under the League every UN copy is zero; under the UN it equals the feature
    assert (x.loc[1, [f"un:{f}" for f in shared]] == 0).all()
    np.testing.assert_array_equal(
        x.loc[2, [f"un:{f}" for f in shared]].to_numpy(), x.loc[2, shared].to_numpy()
    )
    assert x.loc[2, "log_council_load_5y"] == pytest.approx(np.log1p(sig.loc[1, "council_load_5y"]))


@pytest.mark.data
def test_calibrate_refuses_crises_outside_the_split(dev_frames, tmp_path, run_cli):
    crises = dev_frames[0]
    outside = sorted(set(range(1, 500)) - set(dev_crisis_numbers()))[0]
    bad = crises.head(3).copy()
    bad.loc[bad.index[0], "crisno"] = str(outside)
    path = tmp_path / "crises.csv"
    bad.to_csv(path, index=False)
    code, out, err = run_cli(
        "calibrate",
        "--crises",
        str(path),
        "--actors",
        str(DATA / "actors_dev.csv"),
        "--out-dir",
        str(tmp_path),
    )
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "not in ICB's development split" in err
    assert str(path) in err and "crisno" in err
    assert not (tmp_path / "calibration.toml").exists()


@pytest.mark.data
def test_bad_file_one_line(tmp_path, run_cli):
    path = tmp_path / "crises.csv"
    path.write_text("icb1,crisno\nICB1,1\n")
    code, out, err = run_cli(
        "backtest", "icb", "--crises", str(path), "--actors", str(DATA / "actors_dev.csv")
    )
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "crises.csv" in err


@pytest.fixture(scope="module")
def subset(dev_frames, tmp_path_factory):
    """40 development crises since 1946 (and their actors), the Gulf War among them: ten
    on each step of the activity ladder (its ten cross-validation folds need ten), spread
    over the years. The whole split is scored under ``make validate``."""
    crises, actors = dev_frames
    year = pd.to_numeric(crises["yrtrig"], errors="coerce").to_numpy()
    step = read_targets(DATA / "crises_dev.csv").set_index("crisno")["activity"]
    step = crises["crisno"].astype(int).map(step).to_numpy(dtype=float, na_value=np.nan)
    picks = []
    for k in range(4):
        rows = crises[(year >= 1946) & (step == k)]
        picks.append(rows.iloc[np.linspace(0, len(rows) - 1, 10).round().astype(int)])
    pick = pd.concat([*picks, crises[crises["crisno"] == "393"]]).drop_duplicates("crisno")
    assert len(pick) == 40  # the Gulf War is one of the ten on its step
    d = tmp_path_factory.mktemp("icb")
    pick.to_csv(d / "crises.csv", index=False)
    actors[actors["crisno"].isin(pick["crisno"])].to_csv(d / "actors.csv", index=False)
    return d / "crises.csv", d / "actors.csv"


def icb_json(run_cli, subset, *extra: str) -> tuple[dict, str]:
    """``collsec backtest icb`` on the subset with ``extra`` options, as JSON, and stderr."""
    c, a = subset
    code, out, err = run_cli(
        "backtest", "icb", "--crises", str(c), "--actors", str(a), *extra, "--format", "json"
    )
    assert code == 0, err
    return json.loads(out), err


def fits_the_console(run_cli, monkeypatch, crises: Path, actors: Path) -> None:
    """The text of ``collsec backtest icb`` fits 80 columns, no cell wrapped."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run_cli("backtest", "icb", "--crises", str(crises), "--actors", str(actors))
    assert code == 0, err
    lines = out.splitlines()
    assert max(len(x) for x in lines) <= 80
    # no cell wraps onto a continuation line (a row whose first cell is blank)
    assert not [x for x in lines if x.startswith("│") and x[1:].split("│")[0].strip() == ""]
    for target in ("involvement", "council_action", "effectiveness", "regional"):
        assert sum(x.startswith(f"│ {target} ") for x in lines) == 2, target


@pytest.mark.data
def test_backtest_text_fits_the_console(subset, run_cli, monkeypatch):
    fits_the_console(run_cli, monkeypatch, *subset)


@pytest.mark.data
@pytest.mark.validate
def test_backtest_text_of_the_whole_split_fits_the_console(run_cli, monkeypatch):
    # every table (forward in time too, which a subset is too small for), widest numbers
    fits_the_console(run_cli, monkeypatch, DATA / "crises_dev.csv", DATA / "actors_dev.csv")


@pytest.mark.data
def test_backtest_plot_is_written_whole_or_refused_first(subset, run_cli, tmp_path):
    c, _ = subset
    png = tmp_path / "roc.png"
    _, err = icb_json(run_cli, subset, "--plot", str(png))  # stdout stays JSON; note to stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and f"wrote {png}" in err
    assert [p.name for p in tmp_path.iterdir()] == ["roc.png"]  # no temporary left
    for bad, why in (
        (tmp_path / "roc.gif", "unknown figure format"),
        (tmp_path / "no" / "roc.png", "directory does not exist"),
    ):
        code, _, err = run_cli("backtest", "icb", "--crises", str(c), "--plot", str(bad))
        assert code == 2 and why in err and "--plot" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "roc.gif").exists()


@pytest.mark.data
def test_exported_predictions_reproduce_the_scores(subset, run_cli, tmp_path):
    from sklearn.metrics import roc_auc_score

    c, _ = subset
    out_csv = tmp_path / "pred.csv"
    r, _ = icb_json(run_cli, subset, "--export", str(out_csv))
    df = pd.read_csv(out_csv)
    assert len(df) == r["n"] and df["crisno"].is_unique
    for target in ("involvement", "council_action", "effectiveness", "regional"):
        d = df.dropna(subset=[target])
        assert len(d) == r["targets"][target]["n"]
        v = r["targets"][target]
        for method, s in (("model", v["model"]), ("logistic", v["baselines"]["logistic"])):
            auc = roc_auc_score(d[target], d[f"{target}_{method}"])
            assert auc == pytest.approx(s["auc"], abs=1e-3), (target, method)
    steps = df["activity"].dropna()
    assert len(steps) == r["targets"]["activity"]["n"]
    assert set(steps) <= {"none", "talk", "demand", "act"}
    code, _, err = run_cli("backtest", "icb", "--crises", str(c), "--export", "x.xlsx")
    assert code == 2 and "--export" in err


@pytest.mark.data
def test_signal_ablation_refits_on_the_same_folds(subset, run_cli, tmp_path):
    from collsec.backtest.evaluate import MODEL_FEATURES

    c, a = subset
    r, _ = icb_json(run_cli, subset, "--ablation")
    ab = r["signal_ablation"]
    assert list(ab) == ["full", *MODEL_FEATURES]
    for target in ("involvement", "council_action", "effectiveness", "regional"):
        # the full refit is the model scored above: same folds, same fits
        assert ab["full"][target] == r["targets"][target]["model"]["auc"]
        assert all(-1 < ab[f][target] < 1 for f in MODEL_FEATURES)
    # a held-out file has no folds to refit on
    crises = pd.read_csv(c, dtype=str)
    crises["crisno"] = [str(9000 + i) for i in range(len(crises))]
    crises.to_csv(tmp_path / "c.csv", index=False)
    code, _, err = run_cli("backtest", "icb", "--crises", str(tmp_path / "c.csv"),
                           "--actors", str(a), "--ablation")  # fmt: skip
    assert code == 2 and "--ablation" in err and len(err.splitlines()) == 1


@pytest.mark.data
def test_backtest_json_contract_and_narration(subset, run_cli):
    c, a = subset
    r, _ = icb_json(run_cli, subset)
    assert r["n"] == len(pd.read_csv(c))
    assert "cross-validated" in r["mode"]
    # every dataset read is named and cited: ICB, the Council's record, the world's sources
    assert r["datasets"][:2] == ["icb", "unsc_actions"] and "atop" in r["datasets"]
    assert any("Brecher" in x for x in r["citations"])
    assert any("Hammarskj" in x for x in r["citations"])
    assert set(r["targets"]) == {
        "involvement",
        "council_action",
        "activity",
        "effectiveness",
        "regional",
    }
    for name, v in r["targets"].items():
        assert set(v["baselines"]) == {"era", "logistic"}
        keys = (
            ("macro_f1", "spearman")
            if name == "activity"
            else ("auc", "auc_ci_low", "auc_ci_high", "brier")
        )
        for s in (v["model"], *v["baselines"].values()):
            assert all(k in s for k in keys)
            if name != "activity":
                assert 0 <= s["auc_ci_low"] <= s["auc"] <= s["auc_ci_high"] <= 1
    g, _ = icb_json(run_cli, subset, "--crisis", "393")
    assert g["institution"] == "un" and g["council"] == "unsc"
    assert g["threat"]["aggressor"] == "IRQ" and g["threat"]["target"] == "KWT"
    assert {"Arab League", "GCC"} <= set(g["regional_bodies"])
    assert set(g["expected_votes"]) >= {"USA", "RUS", "CHN", "GBR", "FRA"} - {"RUS"}
    assert g["predictions"]["council_action"]["recorded"] == 1
    # why: the link's largest terms, League and UN weights of a signal added together
    assert set(g["drivers"]) == {"involvement", "council_action", "effectiveness", "regional"}
    for d in g["drivers"].values():
        assert len(d) == 4 and not any(k.startswith("un:") for k in d)
        assert [abs(v) for v in d.values()] == sorted((abs(v) for v in d.values()), reverse=True)
    # the Council had been seized of Iraq (the Iran-Iraq war) and met on complaints
    assert g["signals"]["agenda_10y"] > 0 and g["signals"]["recourse"] > 0
    code, out, _ = run_cli(
        "backtest", "icb", "--crises", str(c), "--actors", str(a), "--crisis", "393"
    )
    assert code == 0 and "Why:" in out and "complaints" in out


def test_within_era_scores_rank_only_inside_each_era():
    from collsec.backtest.evaluate import BINARY_TARGETS, Scores, within_era
    from collsec.backtest.icb import IcbCrisis

    years = [1930] * 4 + [1960] * 4 + [2000] * 4
    crises = [IcbCrisis(i, "x", dt.date(y, 5, 1), 9, 2, 3, 3, (2, 20)) for i, y in enumerate(years)]
    y = np.array([0, 1, 0, 1] * 3)
    # perfect inside every era, but each era's level differs: pooled it would not be perfect
    level = np.repeat([0.0, 0.5, 0.2], 4)
    p_model = level + 0.1 * y
    p_logit = level + 0.1 * (1 - y)  # reversed inside every era
    n = np.arange(12)
    scores = Scores(
        crisno={t: n for t in BINARY_TARGETS},
        truth={t: y for t in BINARY_TARGETS},
        predictions={t: {"model": p_model, "logistic": p_logit} for t in BINARY_TARGETS},
    )
    r = within_era(scores, crises)
    assert list(r) == ["league", "cold_war", "post_cold_war"]
    for row in r.values():
        assert row["council_action"] == {"n": 4, "positives": 2, "model": 1.0, "logistic": 0.0}


def test_drivers_add_up_to_the_links_log_odds():
    from collsec.backtest.evaluate import (
        DESIGN_COLUMNS,
        FEATURE_LABELS,
        MODEL_FEATURES,
        predict_link,
    )
    from collsec.backtest.link import link_drivers, shipped_link

    assert set(FEATURE_LABELS) == set(MODEL_FEATURES)
    link = shipped_link()

    def logit(p):
        return np.log(p / (1 - p))

    x = np.random.default_rng(1).random((4, len(DESIGN_COLUMNS)))
    un = DESIGN_COLUMNS.index("un")
    x[:2, un] = 0.0  # two League crises, two UN ones
    x[2:, un] = 1.0
    for target in ("involvement", "council_action", "effectiveness", "regional"):
        for row in x:
            org = "un" if row[un] == 1 else "league"
            ref = np.array(link["reference"][org])
            assert ref[un] == (1.0 if org == "un" else 0.0)
            d = link_drivers(link, target, row)
            assert set(d) == set(MODEL_FEATURES)
            p, p0 = predict_link(link, target, np.stack([row, ref]))
            # the terms are the crisis's log-odds against the institution's average crisis
            assert sum(d.values()) == pytest.approx(logit(p) - logit(p0), abs=1e-9)
            assert d["un"] == 0.0


@pytest.mark.data
def test_same_seed_same_scores_on_any_number_of_workers(subset):
    from collsec.backtest.mechanism import signals
    from collsec.backtest.run import backtest_icb
    from collsec.data.registry import cache_dir

    c, a = subset
    r1, _ = backtest_icb(c, a)
    r2, _ = backtest_icb(c, a)  # the folds and resamples are the seed's
    assert r1 == r2
    crises = read_inputs(c, a)[:12]
    cached = cache_dir() / "backtest"
    before = set(cached.glob("*.parquet"))
    s1 = signals(crises, seed=3, workers=1)
    (written,) = set(cached.glob("*.parquet")) - before
    written.unlink()  # computed again, now on two processes
    s2 = signals(crises, seed=3, workers=2)
    assert written.is_file()
    pd.testing.assert_frame_equal(s1, s2)


@pytest.mark.data
@pytest.mark.validate
def test_same_seed_same_scores_from_scratch(subset, tmp_path, monkeypatch):
    from collsec.backtest.run import backtest_icb

    c, a = subset
    monkeypatch.setenv("COLLSEC_CACHE_DIR", str(tmp_path / "one"))
    r1, _ = backtest_icb(c, a, seed=3)
    monkeypatch.setenv("COLLSEC_CACHE_DIR", str(tmp_path / "two"))  # nothing cached
    r2, _ = backtest_icb(c, a, seed=3)
    assert r1 == r2


# -- the scores reached (refits: make validate) -----------------------------------------

#: Cross-validated on the development split with the shipped calibration (seed 0),
#: as measured; a change that lowers them fails here. Measured with the vote model of
#: 0.3.0: 0.765, 0.740, 0.609, 0.741 (0.2.0: 0.765, 0.749, 0.666, 0.748; effectiveness
#: fell with the vote model that reads the draft's content, see CHANGELOG).
FLOORS = {"involvement": 0.76, "council_action": 0.735, "effectiveness": 0.60, "regional": 0.735}


@pytest.mark.data
@pytest.mark.validate
def test_cross_validated_scores_hold():
    from collsec.backtest.run import backtest_icb

    r, _ = backtest_icb(DATA / "crises_dev.csv", DATA / "actors_dev.csv")
    t = r["targets"]
    for name, floor in FLOORS.items():
        assert t[name]["model"]["auc"] >= floor, (name, t[name]["model"])
    for name in ("involvement", "council_action", "effectiveness", "regional"):
        assert t[name]["model"]["auc"] > t[name]["baselines"]["logistic"]["auc"], name
        assert t[name]["model"]["auc"] > t[name]["baselines"]["era"]["auc"], name
    assert t["activity"]["model"]["spearman"] >= 0.48  # measured 0.485 (0.475 in 0.2.0)
    assert t["activity"]["model"]["macro_f1"] >= 0.44  # measured 0.441 (logistic 0.382)
    # forward in time: fitted on crises before 1970, 1980 or 1990, scored on those after,
    # the model beats the logistic baseline on involvement and Council action at every cut
    # (measured: 0.763/0.568, 0.794/0.566, 0.771/0.587; 0.767/0.573, 0.798/0.517, 0.803/0.533)
    # inside each era, where knowing the era's base rate is worth nothing, the model still
    # ranks crises (measured, involvement / Council action: League 0.672 / 0.719, Cold War
    # 0.748 / 0.699, after 1990 0.780 / 0.805) and beats the logistic baseline
    for period, row in r["within_era"].items():
        for name in ("involvement", "council_action"):
            assert row[name]["model"] >= 0.65, (period, name, row[name])
            assert row[name]["model"] > row[name]["logistic"], (period, name, row[name])
    fw = r["forward_in_time"]
    assert set(fw) == {"1970", "1980", "1990"}
    for cut, row in fw.items():
        assert row["train"] + row["test"] == r["n"]
        for name in ("involvement", "council_action"):
            assert row[name]["model"] > row[name]["logistic"] + 0.1, (cut, name, row[name])
            assert row[name]["model"] >= 0.73, (cut, name, row[name])


@pytest.mark.data
@pytest.mark.validate
def test_shipped_calibration_is_a_fit_of_the_split(tmp_path):
    import tomllib

    from collsec.backtest.calibrate import calibrate
    from collsec.backtest.link import shipped_link
    from collsec.behavior.parameters import Parameters
    from collsec.cases.fidelity import fit_library

    params, vote = fit_library()
    r = calibrate(
        DATA / "crises_dev.csv",
        DATA / "actors_dev.csv",
        params=params,
        vote=vote,
        out_dir=tmp_path,
    )
    fresh = tomllib.loads((tmp_path / "calibration.toml").read_text())
    shipped = shipped_link()
    for target in ("involvement", "council_action", "activity", "effectiveness", "regional"):
        np.testing.assert_allclose(
            fresh[target]["coef"], shipped[target]["coef"], rtol=1e-6, atol=1e-8
        )
    p = Parameters.default()
    for k, v in r["parameters_fitted"].items():
        assert getattr(p, k) == pytest.approx(v, abs=1e-4)


def test_bootstrap_auc_matches_sklearn_per_resample():
    from sklearn.metrics import roc_auc_score

    from collsec.backtest.evaluate import auc_interval

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 80)
    p = np.round(rng.random(80), 1)  # ties on purpose
    lo, hi = auc_interval(y, p, reps=400, seed=7)
    # the same resamples scored one by one with scikit-learn
    idx = np.random.default_rng(7).integers(0, 80, (400, 80))
    ref = [roc_auc_score(y[i], p[i]) for i in idx if 0 < y[i].sum() < 80]
    assert (lo, hi) == pytest.approx(tuple(np.percentile(ref, [2.5, 97.5])), abs=1e-12)


@pytest.mark.data
@pytest.mark.validate
def test_held_out_file_uses_the_shipped_calibration(subset, tmp_path, run_cli):
    """Mechanics of evaluation on crises outside the split. There are none to be had,
    so development rows are renumbered (to 9000+): the scores mean nothing, the path
    is what is tested -- the split's crises are refused, the renumbered ones are
    scored with the shipped link and baselines fitted on the split."""
    c, a = subset
    code, _, err = run_cli("backtest", "icb", "--crises", str(c), "--actors", str(a))
    assert code == 0, err
    crises, actors = pd.read_csv(c, dtype=str), pd.read_csv(a, dtype=str)
    new = {k: str(9000 + i) for i, k in enumerate(crises["crisno"])}
    crises["crisno"] = crises["crisno"].map(new)
    actors["crisno"] = actors["crisno"].map(new)
    crises.to_csv(tmp_path / "c.csv", index=False)
    actors.to_csv(tmp_path / "a.csv", index=False)
    code, out, err = run_cli(
        "backtest",
        "icb",
        "--crises",
        str(tmp_path / "c.csv"),
        "--actors",
        str(tmp_path / "a.csv"),
        "--format",
        "json",
    )
    assert code == 0, err
    r = json.loads(out)
    assert r["mode"].startswith("model: the shipped calibration")
    assert r["targets"]["involvement"]["n"] == len(crises) - int(
        (pd.to_numeric(crises["globorg"], errors="coerce") == 0).sum()
    )


@pytest.mark.data
def test_agenda_names_states_not_yet_in_the_system():
    from collsec.backtest.mechanism import agenda_words
    from collsec.world.world import World

    w = World.at("1948-12-18")
    assert 850 not in set(int(x) for x in w.ccode)  # Indonesia: a state from 1949
    words = agenda_words([850, 210], w)
    assert "indonesia" in words and "netherlands" in words
    # "The Indonesian question": decisions in 1947-48 before Operation Kraai
    assert agenda_count(words, dt.date(1948, 12, 19), 10) > 5


def test_a_link_fitted_on_other_features_is_refused(tmp_path, monkeypatch):
    from collsec.backtest import link as cal
    from collsec.errors import InputError

    stale = tmp_path / "calibration.toml"
    stale.write_text('features = ["un", "member_parties"]\n')
    monkeypatch.setattr(cal, "_resource", lambda package, name: stale)
    with pytest.raises(InputError, match="features"):
        cal.shipped_link()


#: ICB crisis -> (case, the rule's aggressor or internal state, the case's accused or None
#: when the rule's reading differs, why it may differ); docs/backtest.md, "Who is accused"
ORIENTATION = {
    47: ("ethiopia-1935", "aggression", "ITA", "ETH"),
    51: ("rhineland-1936", "aggression", "DEU", "FRA"),
    132: ("korea-1950", "aggression", "PRK", "KOR"),
    336: ("falklands-1982", "aggression", "ARG", "GBR"),
    393: ("gulf-1990", "aggression", "IRQ", "KWT"),
    432: ("east-timor-1999", "internal", "IDN", "IDN"),
    471: ("crimea-2014", "aggression", "RUS", "UKR"),
    430: ("kosovo-1999", "aggression", "SCG", "ALB"),
    434: ("sept11-2001", "internal", "AFG", "AFG"),
    464: ("libya-2011", "aggression", "LBY", "USA"),
    176: ("congo-1960", "internal", "BEL", "BEL"),
    # different events (the case starts later, with an invasion) or, for Iraq, a
    # different reading of the trigger: documented in docs/backtest.md
    152: ("suez-1956", "aggression", "EGY", "GBR"),
    155: ("hungary-1956", "internal", "HUN", "HUN"),
    257: ("cyprus-1974", "internal", "CYP", "CYP"),
    440: ("iraq-2002", "aggression", "USA", "IRQ"),
}
SAME_ACCUSED = {47, 51, 132, 336, 393, 432, 471, 430, 434, 464, 176}


@pytest.mark.data
def test_orientation_agrees_with_the_case_library():
    """The rule that reads ICB's trigger into an aggressor and a target gives, for every
    development crisis that is also a library case, the case's accused (or, where ICB's
    trigger is another event, the reading documented for it); Crimea runs as Russia
    against Ukraine."""
    from collsec.backtest.mechanism import KIND_INTERNAL, _parties
    from collsec.cases import load_case
    from collsec.world import World

    crises = {c.crisno: c for c in read_inputs(DATA / "crises_dev.csv", DATA / "actors_dev.csv")}
    for crisno, (case_id, kind, aggressor, target) in ORIENTATION.items():
        c = crises[crisno]
        w = World.at(c.trigger - dt.timedelta(days=1))
        index = {int(x): i for i, x in enumerate(w.ccode)}
        k, a, t, _ = _parties(
            c, index, np.asarray(w.cinc, dtype=float), np.asarray(w.contiguity) == 1
        )
        codes = [str(x) for x in w.code]
        got = ("internal" if k == KIND_INTERNAL else "aggression", codes[a], codes[t])
        assert got == (kind, aggressor, target), (crisno, got)
        case = load_case(case_id)
        if crisno in SAME_ACCUSED:
            assert case.trigger.accused == aggressor, (crisno, case.trigger.accused)
        elif crisno == 440:
            # the one reading that differs on the same day (documented)
            assert case.trigger.date == c.trigger and case.trigger.accused == "IRQ"
        else:
            # a later event: the case starts with an invasion after ICB's trigger
            assert (case.trigger.date - c.trigger).days >= 5, crisno


@pytest.mark.data
def test_calibrate_prints_its_summary(run_cli, subset, capsys):
    """`collsec calibrate` writes its files and then prints what it fitted (it used to
    crash in the printing, after the work): the printer on a real backtest payload."""
    from collsec.backtest.evaluate import BINARY_TARGETS
    from collsec.behavior.parameters import Parameters
    from collsec.cli.backtest import _calibrate_text

    payload, _ = icb_json(run_cli, subset)
    p = Parameters.default()
    r = {
        "vote_model": {"votes_fitted": 2385, "cases": 22, "log_likelihood": -823.8},
        "parameters_fitted": {"affinity": p.affinity, "vote_yes": p.vote_yes},
        "parameters_file": "calibrated.toml",
        "link_file": "calibration.toml",
        "icb_link": {t: {"n": payload["n"]} for t in payload["targets"]},
        "cross_validated": payload["targets"],
    }
    _calibrate_text(r, targets=BINARY_TARGETS)
    out = capsys.readouterr().out
    assert "Vote model fitted on 2385 sourced votes of 22 cases" in out
    assert "council_action" in out and "written to calibration.toml" in out
