"""The ICB backtest end to end: inputs, kernel signals, cross-validated or held-out scores."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from collsec.backtest.evaluate import (
    DESIGN_COLUMNS,
    Scores,
    model_design,
    predict_all,
    signal_ablation,
    within_era,
)
from collsec.backtest.icb import (
    ACTIVITY_STEPS,
    TARGETS,
    IcbCrisis,
    dev_crisis_numbers,
    read_inputs,
    read_targets,
    skipped_crises,
)
from collsec.backtest.link import link_drivers, shipped_link
from collsec.backtest.mechanism import crisis_model, regional_bodies, signals
from collsec.behavior.parameters import Parameters
from collsec.data.loaders._core import file_digest
from collsec.data.registry import get_dataset, locate
from collsec.errors import InputError
from collsec.world.build import SOURCES

__all__ = [
    "DEV_ACTORS",
    "DEV_CRISES",
    "backtest_icb",
    "dev_files",
    "narrate_crisis",
    "predictions_table",
]

DEV_CRISES = "icb/crises_dev.csv"
DEV_ACTORS = "icb/actors_dev.csv"
DRAWS = 200
#: Forward-in-time checks on the development split: fit on crises that broke before
#: 1 January of the year, score on those after (fixed decade boundaries, all reported).
FORWARD_CUTS = (1970, 1980, 1990)
#: fewest crises on either side of a cut for the check to be run
MIN_FORWARD = 40
#: how many of a prediction's largest terms a narration lists
DRIVERS = 4

#: ``progress(step, done, total)``: the backtest's steps, each told as it goes
Progress = Callable[[str, int, int], None]


def _step(progress: Progress | None, name: str) -> Callable[[int, int], None] | None:
    """``progress`` for one named step: ``(done, total)``."""
    return None if progress is None else partial(progress, name)


def backtest_datasets() -> list[str]:
    """The registry's datasets a backtest reads: ICB, the Council's record, the world's."""
    return list(dict.fromkeys(("icb", "unsc_actions", *SOURCES)))


def backtest_citations() -> list[str]:
    """The citation of every dataset a backtest reads (:func:`backtest_datasets`)."""
    return list(dict.fromkeys(get_dataset(n).citation for n in backtest_datasets()))


def dev_files(data_dir: str | None = None) -> tuple[Path, Path]:
    """The development split's two files in the data directory."""
    return locate("icb", DEV_CRISES, data_dir=data_dir), locate(
        "icb", DEV_ACTORS, data_dir=data_dir
    )


def _load(crises_path, actors_path, params, data_dir, seed, progress, policy="utility"):
    crises = read_inputs(crises_path, actors_path)
    targets = read_targets(crises_path)
    kw = {
        "draws": DRAWS,
        "seed": seed,
        "data_dir": data_dir,
        "progress": progress,
        "policy": policy,
    }
    sig = signals(crises, params, gravity=True, **kw)
    sig0 = signals(crises, params, gravity=False, **kw)
    return crises, targets, sig, sig0


def is_development(crises_path: str | Path) -> bool:
    """True when the file holds only development crises (then scores are cross-validated)."""
    nums = set(read_targets(crises_path)["crisno"])
    return nums <= dev_crisis_numbers()


def backtest_icb(
    crises_path: str | Path,
    actors_path: str | Path,
    *,
    params: Parameters | None = None,
    data_dir: str | None = None,
    seed: int = 0,
    progress: Progress | None = None,
    ablation: bool = False,
    policy: str = "utility",
) -> tuple[dict[str, Any], Scores]:
    """Score the model and the baselines on ``crises_path`` (see :mod:`.evaluate`).

    With ``ablation`` (development file only) the payload also has
    ``signal_ablation``: the cross-validated AUC lost when each signal is left out.
    ``progress(step, done, total)`` is told of each step as it goes.
    """
    p = params or Parameters.default()
    dev = is_development(crises_path)
    if ablation and not dev:
        raise InputError(
            "the signal ablation is cross-validated on the development split; "
            "run it on the development file",
            source=str(crises_path),
            field="--ablation",
        )
    test = _load(crises_path, actors_path, p, data_dir, seed, progress, policy)
    if dev:
        fits = _step(progress, "cross-validated fits, by target")
        scores = predict_all(train=None, test=test, seed=seed, progress=fits)
        mode = "cross-validated on the development split (10 folds, the same for every method)"
    else:
        dc, da = dev_files(data_dir)
        train = _load(dc, da, p, data_dir, seed, progress, policy)
        overlap = {c.crisno for c in test[0]} & {c.crisno for c in train[0]}
        if overlap:
            raise InputError(
                f"{len(overlap)} crises are in both the development split and this file "
                f"(first: {min(overlap)}); evaluate on held-out crises only",
                source=str(crises_path),
                field="crisno",
            )
        link = shipped_link()
        if link is not None and link["provenance"]["crises_sha256"] != file_digest(dc):
            link = None  # the shipped calibration is not of this development split: refit
        fits = _step(progress, "fits on the development split, by target")
        scores = predict_all(train=train, test=test, seed=seed, link=link, progress=fits)
        mode = (
            "model: the shipped calibration; baselines fitted on the development split; "
            "scored on this file"
            if link is not None
            else "fitted on the development split, scored on this file"
        )
    forward = (
        forward_in_time(test, seed=seed, progress=_step(progress, "forward in time, by cut year"))
        if dev
        else None
    )
    payload = {
        "n": len(test[0]),
        "crises_file": str(crises_path),
        "crises_sha256": file_digest(crises_path),
        "mode": mode,
        "skipped": skipped_crises(crises_path),
        "seed": seed,
        "draws": DRAWS,
        "policy": policy,
        "model_features": list(DESIGN_COLUMNS),
        "targets": scores.summary(seed),
        "within_era": within_era(scores, test[0]),
        "datasets": backtest_datasets(),
        "citations": backtest_citations(),
    }
    if forward is not None:
        payload["forward_in_time"] = forward
    if ablation:
        payload["signal_ablation"] = signal_ablation(
            test, seed=seed, progress=_step(progress, "signal ablation, by target")
        )
    return payload, scores


def predictions_table(scores: Scores, crises_path: str | Path, actors_path: str | Path):
    """One row per crisis: what was recorded and what each method predicted.

    For each binary target ``T``: ``T`` (the record: 1, 0, or missing where the
    crisis is excluded), ``T_model``, ``T_era`` and ``T_logistic`` (probabilities;
    cross-validated on the development file). For the activity ladder:
    ``activity`` (the recorded step), ``activity_model`` (the model's most likely
    step) and ``activity_model_expected`` (its expected step, 0 = none to 3 = act).
    """
    crises = read_inputs(crises_path, actors_path)
    rows: dict[int, dict[str, Any]] = {
        c.crisno: {
            "crisno": c.crisno,
            "name": c.name,
            "trigger": c.trigger,
            "institution": c.institution or "",
        }
        for c in crises
    }
    for target in TARGETS:
        preds = scores.predictions[target]
        for i, n in enumerate(scores.crisno[target]):
            row = rows[int(n)]
            y = int(scores.truth[target][i])
            if target == "activity":
                p = np.asarray(preds["model"][i], dtype=float)
                row["activity"] = ACTIVITY_STEPS[y]
                row["activity_model"] = ACTIVITY_STEPS[int(np.argmax(p))]
                row["activity_model_expected"] = round(float(p @ np.arange(len(p))), 4)
                continue
            row[target] = y
            for method in ("model", "era", "logistic"):
                row[f"{target}_{method}"] = float(preds[method][i])
    columns = ["crisno", "name", "trigger", "institution"]
    for target in TARGETS:
        if target == "activity":
            columns += ["activity", "activity_model", "activity_model_expected"]
        else:
            columns += [target, *(f"{target}_{m}" for m in ("model", "era", "logistic"))]
    df = pd.DataFrame(list(rows.values())).reindex(columns=columns)
    for target in TARGETS:
        if target != "activity":
            df[target] = df[target].astype("Int64")
    df["trigger"] = pd.to_datetime(df["trigger"])
    return df


def _subset(data, keep: np.ndarray):
    crises, targets, sig, sig0 = data
    chosen = [c for c, k in zip(crises, keep, strict=True) if k]
    nums = {c.crisno for c in chosen}
    return (
        chosen,
        targets[targets["crisno"].isin(nums)],
        sig[sig["crisno"].isin(nums)],
        sig0[sig0["crisno"].isin(nums)],
    )


def forward_in_time(
    data,
    *,
    seed: int = 0,
    cuts: tuple[int, ...] = FORWARD_CUTS,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Fit every method on the crises before each cut year, score it on those after.

    A check that cross-validation cannot give: whether what was learnt from earlier
    crises predicts later ones (the mechanisms hold; the link is not fitted to the era).
    Binary targets only, AUC of the model and both baselines. ``progress(done, total)``
    is told of each cut year done.
    """
    years = np.array([c.trigger.year for c in data[0]])
    out = {}
    for i, cut in enumerate(cuts):
        if progress is not None:
            progress(i, len(cuts))
        before, after = _subset(data, years < cut), _subset(data, years >= cut)
        if min(len(before[0]), len(after[0])) < MIN_FORWARD:
            continue  # a small file (a subset of the split) has too few crises on a side
        try:
            s = predict_all(train=before, test=after, seed=seed).summary(seed)
        except ValueError:
            continue  # a target with one class only on a side: nothing to fit or rank
        out[str(cut)] = {
            "train": len(before[0]),
            "test": len(after[0]),
            **{
                t: {
                    "n": s[t]["n"],
                    "model": s[t]["model"]["auc"],
                    "era": s[t]["baselines"]["era"]["auc"],
                    "logistic": s[t]["baselines"]["logistic"]["auc"],
                }
                for t in TARGETS
                if t != "activity"
            },
        }
    if progress is not None:
        progress(len(cuts), len(cuts))
    return out


def narrate_crisis(
    crisno: int,
    crises_path: str | Path,
    actors_path: str | Path,
    scores: Scores,
    *,
    params: Parameters | None = None,
    data_dir: str | None = None,
    seed: int = 0,
    policy: str = "utility",
) -> dict[str, Any]:
    """One crisis: which bodies could act, the expected votes and vetoes, the predictions."""
    crises = {c.crisno: c for c in read_inputs(crises_path, actors_path)}
    if crisno not in crises:
        raise InputError(
            f"no crisis {crisno} in this file", source=str(crises_path), field="--crisis"
        )
    c: IcbCrisis = crises[crisno]
    m = crisis_model(
        c, params or Parameters.default(), draws=DRAWS, seed=seed, data_dir=data_dir, policy=policy
    )

    preds = {}
    for target in TARGETS:
        rows = np.flatnonzero(scores.crisno[target] == crisno)
        if len(rows) == 0:
            preds[target] = None
            continue
        i = int(rows[0])
        entry = {}
        for method, arr in scores.predictions[target].items():
            v = arr[i]
            entry[method] = [round(float(x), 3) for x in v] if np.ndim(v) else round(float(v), 3)
        entry["recorded"] = int(scores.truth[target][i])
        preds[target] = entry
    design = model_design([c], pd.DataFrame([{"crisno": crisno, **m.signals}]))
    link = shipped_link()
    drivers = {}
    if link is not None and m.institution is not None:
        row = design.iloc[0].to_numpy()
        for target in TARGETS:
            if target != "activity":
                d = link_drivers(link, target, row)
                drivers[target] = {k: round(v, 3) for k, v in list(d.items())[:DRIVERS]}
    vetoers = sorted(k for k, v in m.votes.items() if v["no"] >= 0.5)
    return {
        "crisno": crisno,
        "name": c.name,
        "trigger": c.trigger.isoformat(),
        "institution": m.institution,
        "council": m.council,
        "regional_bodies": regional_bodies(c.geog, c.trigger),
        "threat": {
            "kind": m.kind,
            "aggressor": m.aggressor,
            "target": m.target,
            "severity": round(m.severity, 3),
        },
        "signals": {k: round(float(v), 4) for k, v in m.signals.items()},
        "features": {k: round(float(v), 4) for k, v in design.iloc[0].items()},
        "expected_votes": m.votes,
        "likely_no_votes": vetoers,
        "predictions": preds,
        "drivers": drivers,
        "notes": m.notes,
    }
