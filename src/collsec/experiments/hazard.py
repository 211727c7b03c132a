"""A dyadic hazard of militarized-dispute onset, calibrated on COW MID 5.0.

The simulation of history over time asks, every year and for every ordered
pair of states (a, b): how likely is a to start a militarized dispute
against b in which it uses force? This module answers with a logistic
regression on directed dyad-years (Beck, Katz & Tucker 1998, "Taking Time
Seriously", AJPS 42(4): 1260-1288): the logit of onset is a linear function
of dyadic covariates plus a cubic B-spline of the years of peace in the
directed dyad.

Definitions (see ``docs/hazard.md``):

* **Dyad-years**: every ordered pair of states in the COW system during the
  year (:meth:`World.from_year`), years :data:`FIRST_YEAR`-:data:`LAST_YEAR`.
  1886 is the first year of the CShapes 2.0 minimum distances (earlier
  years would borrow 1886's distances, i.e. the future); 2014 is the last
  year of MID 5.0.
* **Onset** of (a, b) in year t: a MID 5.0 directed dyad-year row with
  ``ccode1 == a``, ``ccode2 == b``, ``year == t``, ``disponset``, ``sidea1``
  (a on side A), ``orig1`` (a an originator, not a joiner) and
  ``hostlev1 >= 4`` (a's highest hostility was use of force or war).
* **Peace years** in year t: ``t - s - 1`` where s is the last onset year of
  (a, b) before t; if none since the two were first both in the system
  (year ``t0``, :data:`HISTORY_START` at the earliest), ``t - t0``. So it is
  0 the year after an onset, and 0 in the first year of a new dyad. The
  clock runs from 1816 (the start of the COW system and of MID), not from
  :data:`FIRST_YEAR`, so the dyads of 1886 are not all treated as if they
  had just fought; it is left-censored only at 1816 and at the entry of the
  younger state. States that leave and re-enter the system keep counting
  calendar years.
* **Covariates** (from that year's :class:`World`, nothing later):
  ``contiguous`` (COW direct contiguity of any type 1-5: land, or separated
  by at most 400 miles of water; Stinnett et al. 2002), ``log_distance``
  (log(1 + minimum distance km); unknown distances get the largest value
  in the fit table and are flagged in ``distance_unknown``), ``cap_share``
  (cinc_a / (cinc_a + cinc_b), 0.5 when both are 0), ``allied`` (an ATOP
  defence obligation from a to b), ``major_a``, ``major_b`` (COW major
  powers). UN ideal points are left out: they do not exist before 1946.

The fitted coefficients ship in ``hazard.toml`` (:meth:`Hazard.default`);
``python -m collsec.experiments.hazard [PATH]`` refits them from the data.
"""

from __future__ import annotations

import hashlib
import sys
import time
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from collsec.data.loaders.cow import load_mid_dyads, load_states
from collsec.data.registry import get_dataset, locate
from collsec.errors import InputError
from collsec.world.build import COW_LAST
from collsec.world.world import World

__all__ = [
    "COVARIATES",
    "FIRST_YEAR",
    "HISTORY_START",
    "LAST_YEAR",
    "Hazard",
    "dyad_years",
    "onset_rows",
]

#: First year: CShapes 2.0 minimum distances begin in 1886 (Schvitz et al. 2022,
#: data registry entry ``cow_mindist``).
FIRST_YEAR = 1886
#: Last year: MID 5.0 covers 1816-2014 (Palmer et al. 2022).
LAST_YEAR = 2014
#: The peace-years clock starts here: the first year of the COW state system
#: (v2016) and of MID 5.0.
HISTORY_START = 1816
COVARIATES = ("contiguous", "log_distance", "cap_share", "allied", "major_a", "major_b")
#: Knots of the peace-years spline, in years. Dense early, where BKT (1998) find
#: most of the duration dependence, sparse late. Peace years are clipped at the
#: last knot: 4 of the 1,813 onsets of 1886-2014 come after longer spells.
KNOTS = (0.0, 1.0, 3.0, 8.0, 20.0, 50.0, 100.0, 150.0)
DEGREE = 3
#: Hostility level 4 = use of force, 5 = war (MID codebook, Palmer et al. 2022).
MIN_HOSTLEV = 4
MID_FILE = "cow/mid_dir_dyad_disputes.csv"
SOURCE_DATASETS = (
    ("cow_mid", MID_FILE),
    ("cow_states", None),
    ("cow_majors", None),
    ("cow_nmc", None),
    ("atop", None),
    ("cow_contiguity", None),
    ("cow_mindist", None),
)
CITATIONS = {
    "mid": (
        "Palmer, Glenn, Roseanne W. McManus, Vito D'Orazio, Michael R. Kenwick, Mikaela "
        "Karstens, Chase Bloch, Nick Dietrich, Kayla Kahn, Kellan Ritter, and Michael J. Soules. "
        '2022. "The MID5 Dataset, 2011-2014: Procedures, Coding Rules, and Description." '
        "Conflict Management and Peace Science 39(4): 470-482."
    ),
    "duration": (
        'Beck, Nathaniel, Jonathan N. Katz, and Richard Tucker. 1998. "Taking Time Seriously: '
        'Time-Series-Cross-Section Analysis with a Binary Dependent Variable." American Journal '
        "of Political Science 42(4): 1260-1288."
    ),
    "dangerous_dyads": (
        'Bremer, Stuart A. 1992. "Dangerous Dyads: Conditions Affecting the Likelihood of '
        'Interstate War, 1816-1965." Journal of Conflict Resolution 36(2): 309-341.'
    ),
}


def _data_dir(data_dir: str | None) -> str | None:
    return None if data_dir is None else str(data_dir)


# --------------------------------------------------------------------------- data


def onset_rows(data_dir: str | None = None) -> pd.DataFrame:
    """The MID 5.0 directed dyad-year rows that count as an onset of (ccode1 → ccode2).

    The rule of the module docstring: ``disponset``, ``sidea1``, ``orig1`` and
    ``hostlev1 >= 4``. One row per MID row (a dyad can start two disputes in a year).
    """
    d = load_mid_dyads(data_dir=_data_dir(data_dir))
    rule = (
        d["disponset"].fillna(False)
        & d["sidea1"].fillna(False)
        & d["orig1"].fillna(False)
        & (d["hostlev1"].fillna(0) >= MIN_HOSTLEV)
    )
    out = d.loc[rule.to_numpy(dtype=bool), ["dispnum", "ccode1", "ccode2", "year", "hostlev1"]]
    return out.astype("int64").reset_index(drop=True)


def _state_spells(data_dir: str | None) -> pd.DataFrame:
    st = load_states(data_dir=data_dir)
    end = st["end"].where(st["end"].notna() & (st["end"] < COW_LAST), pd.Timestamp.max)
    return pd.DataFrame(
        {"ccode": st["ccode"].to_numpy(dtype=np.int64), "start": st["start"], "end": end}
    )


def system_members(year: int, spells: pd.DataFrame) -> np.ndarray:
    """Sorted COW codes of the states in the system at any time in ``year``.

    The rule of :func:`collsec.world.build.world_fields` (a spell overlapping the
    year), without building the world: used for the years before :data:`FIRST_YEAR`.
    """
    live = (spells["start"] <= pd.Timestamp(year, 12, 31)) & (
        spells["end"] >= pd.Timestamp(year, 1, 1)
    )
    return np.unique(spells.loc[live, "ccode"].to_numpy())


def _covariate_matrices(world: Any, log_distance_fill: float) -> dict[str, np.ndarray]:
    """The (N, N) covariate matrices of a world; ``distance_unknown`` flags the filled cells."""
    n = len(world.ccode)
    cinc = np.asarray(world.cinc, dtype=float)
    tot = cinc[:, None] + cinc[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(tot > 0, cinc[:, None] / tot, 0.5)
    dist = np.asarray(world.distance, dtype=float)
    # Minimum distance is symmetric; World fills both triangles from the CShapes file
    # (which lists each pair once). fmin keeps hand-made worlds with one triangle safe.
    dist = np.fmin(dist, dist.T)
    unknown = np.isnan(dist)
    logd = np.where(unknown, log_distance_fill, np.log1p(np.where(unknown, 0.0, dist)))
    major = np.asarray(world.major_power, dtype=bool)
    return {
        # COW contiguity types 1-5 (land ... 400 miles of water); 0 = not contiguous
        "contiguous": np.asarray(world.contiguity) > 0,
        "log_distance": logd,
        "cap_share": share,
        "allied": np.asarray(world.defense) > 0,
        "major_a": np.broadcast_to(major[:, None], (n, n)),
        "major_b": np.broadcast_to(major[None, :], (n, n)),
        "distance_unknown": unknown,
    }


def dyad_years(
    data_dir: str | None = None, first: int = FIRST_YEAR, last: int = LAST_YEAR
) -> pd.DataFrame:
    """Directed dyad-years (a, b, year) with covariates, ``onset`` and ``peace_years``.

    Columns: ``year, a, b`` (COW codes), the :data:`COVARIATES`, ``distance_unknown``,
    ``onset`` (0/1), ``peace_years`` and ``peace_censored`` (no onset of the dyad since
    1816, so the clock started at 1816 or at the later entry of a or b). Definitions in
    the module docstring.
    """
    if not FIRST_YEAR <= first <= last <= LAST_YEAR:
        raise InputError(
            f"years {first}-{last} are outside {FIRST_YEAR}-{LAST_YEAR} "
            "(CShapes distances from 1886, MID 5.0 to 2014)",
            source="dyad_years",
        )
    data_dir = _data_dir(data_dir)
    onsets = onset_rows(data_dir)
    onsets = onsets[(onsets["year"] >= HISTORY_START) & (onsets["year"] <= last)]
    by_year = {y: g for y, g in onsets.groupby("year")}
    size = 1000  # COW codes are below 1000
    last_onset = np.full((size, size), -1, dtype=np.int64)
    first_seen = np.full((size, size), -1, dtype=np.int64)
    # run the peace-years clock from 1816 to first - 1 on system membership alone
    states = _state_spells(data_dir)
    for year in range(HISTORY_START, first):
        c = system_members(year, states)
        ia, ib = np.nonzero(~np.eye(len(c), dtype=bool))
        a, b = c[ia], c[ib]
        first_seen[a, b] = np.where(first_seen[a, b] < 0, year, first_seen[a, b])
        g = by_year.get(year)
        if g is not None:
            a1, b1 = g["ccode1"].to_numpy(), g["ccode2"].to_numpy()
            ok = np.isin(a1, c) & np.isin(b1, c)
            last_onset[a1[ok], b1[ok]] = year
    parts = []
    for year in range(first, last + 1):
        w = World.from_year(year, data_dir=data_dir)
        c = np.asarray(w.ccode, dtype=np.int64)
        if c.max() >= size:
            raise InputError(f"COW code {c.max()} is not below {size}", source="dyad_years")
        n = len(c)
        off = ~np.eye(n, dtype=bool)
        ia, ib = np.nonzero(off)
        a, b = c[ia], c[ib]
        m = _covariate_matrices(w, np.nan)
        onset = np.zeros((n, n), dtype=np.int8)
        g = by_year.get(year)
        if g is not None:
            pos = pd.Index(c)
            i = pos.get_indexer(g["ccode1"].to_numpy())
            j = pos.get_indexer(g["ccode2"].to_numpy())
            ok = (i >= 0) & (j >= 0)  # both system members this year
            onset[i[ok], j[ok]] = 1
        fs = first_seen[a, b]
        fs = np.where(fs < 0, year, fs)
        first_seen[a, b] = fs
        lo = last_onset[a, b]
        peace = year - np.maximum(lo + 1, fs)
        frame = {
            "year": np.full(len(a), year, dtype=np.int16),
            "a": a.astype(np.int16),
            "b": b.astype(np.int16),
        }
        for k in (*COVARIATES, "distance_unknown"):
            frame[k] = m[k][ia, ib]
        frame["onset"] = onset[ia, ib]
        frame["peace_years"] = peace.astype(np.int16)
        frame["peace_censored"] = lo < 0
        parts.append(pd.DataFrame(frame))
        hit = onset[ia, ib] == 1
        last_onset[a[hit], b[hit]] = year
    df = pd.concat(parts, ignore_index=True)
    fill = float(np.nanmax(df["log_distance"].to_numpy()))
    df["log_distance"] = df["log_distance"].fillna(fill)
    df.attrs["log_distance_fill"] = fill
    return df


# --------------------------------------------------------------------------- the model


def _spline_knots(knots: tuple[float, ...], degree: int) -> np.ndarray:
    """The full knot vector: ``degree`` knots beyond each end, spaced as the first and
    last intervals (as scikit-learn's ``SplineTransformer`` extends given knots)."""
    base = np.asarray(knots, dtype=float)
    lo, hi = base[1] - base[0], base[-1] - base[-2]
    return np.r_[
        np.linspace(base[0] - degree * lo, base[0] - lo, num=degree),
        base,
        np.linspace(base[-1] + hi, base[-1] + degree * hi, num=degree),
    ]


def _spline_basis(knots: tuple[float, ...], degree: int, t: np.ndarray) -> np.ndarray:
    """The B-spline basis of peace years ``t`` (the last basis function dropped).

    The basis of scikit-learn's ``SplineTransformer(knots=knots, degree=degree,
    include_bias=False, extrapolation="constant")`` fitted on the knots, bit for bit
    (tested): de Boor's recurrence as SciPy's ``BSpline`` runs it, in NumPy, without
    importing scikit-learn (seconds at the start of every run). Values of ``t`` beyond
    the knots take the value at the nearer end (constant extrapolation).
    """
    tk = _spline_knots(knots, degree)
    n = len(tk) - degree - 1  # basis functions
    x = np.clip(np.asarray(t, dtype=float).ravel(), tk[degree], tk[n])
    # the knot interval [tk[ell], tk[ell + 1]) of each x; the last end closes the last
    ell = np.clip(np.searchsorted(tk, x, side="right") - 1, degree, n - 1)
    h = np.zeros((len(x), degree + 1))
    h[:, 0] = 1.0
    for j in range(1, degree + 1):
        prev = h[:, :j].copy()
        h[:, 0] = 0.0
        for m in range(1, j + 1):
            xb, xa = tk[ell + m], tk[ell + m - j]
            width = xb - xa
            nonzero = width != 0  # a repeated knot adds nothing
            w = np.where(nonzero, prev[:, m - 1] / np.where(nonzero, width, 1.0), 0.0)
            h[:, m - 1] += w * (xb - x)
            h[:, m] = w * (x - xa)
    out = np.zeros((len(x), n))
    rows = np.arange(len(x))
    for a in range(degree + 1):
        out[rows, ell - degree + a] = h[:, a]
    return out[:, :-1]


def _spline_names(knots: tuple[float, ...], degree: int) -> list[str]:
    return [f"peace_spline_{k}" for k in range(len(knots) + degree - 2)]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _sources(data_dir: str | None) -> dict[str, dict[str, str]]:
    out = {}
    for name, path in SOURCE_DATASETS:
        ds = get_dataset(name)
        entry = {"version": ds.version}
        for f in ds.files:
            if path is None or f.path == path:
                entry["file"] = f.path
                if f.sha256:
                    entry["registry_sha256"] = f.sha256
                break
        if path is not None:
            entry["sha256"] = _sha256(locate(name, path, data_dir=data_dir))
        entry["citation"] = ds.citation
        out[name] = entry
    return out


@dataclass(frozen=True)
class Hazard:
    """Annual probability that state a starts a MID using force against b.

    ``logit p = intercept + sum(coef[x] * x) + spline(min(peace_years, max_peace_years))``
    """

    intercept: float
    coefficients: dict[str, float]
    knots: tuple[float, ...] = KNOTS
    degree: int = DEGREE
    log_distance_fill: float = float(np.log1p(20_000.0))
    fit_info: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    citation: dict[str, str] = field(default_factory=lambda: dict(CITATIONS))

    def __post_init__(self) -> None:
        need = [*COVARIATES, *_spline_names(self.knots, self.degree)]
        missing = [k for k in need if k not in self.coefficients]
        if missing:
            raise InputError(f"missing coefficients: {', '.join(missing)}", source="hazard")
        t = np.arange(self.max_peace_years + 1)
        basis = _spline_basis(self.knots, self.degree, t)
        beta = np.array([self.coefficients[k] for k in _spline_names(self.knots, self.degree)])
        table = basis @ beta
        table.setflags(write=False)
        object.__setattr__(self, "_spline_table", table)
        exp_neg = np.exp(-table)
        exp_neg.setflags(write=False)
        object.__setattr__(self, "_exp_neg_spline", exp_neg)

    # -- the spline --------------------------------------------------------------

    @property
    def max_peace_years(self) -> int:
        """Peace years are clipped here: the longest spell the fit could see."""
        return int(self.knots[-1])

    @property
    def spline_table(self) -> np.ndarray:
        """Logit contribution of peace years 0..max_peace_years (read-only)."""
        return self._spline_table  # type: ignore[attr-defined]

    @property
    def exp_neg_spline(self) -> np.ndarray:
        """``exp(-spline_table)``, the factor :meth:`probabilities_from_base` gathers
        (read-only)."""
        return self._exp_neg_spline  # type: ignore[attr-defined]

    # -- probabilities -------------------------------------------------------------

    def base_logits(self, world: Any) -> np.ndarray:
        """(N, N) logits without the peace-years term; ``-inf`` on the diagonal."""
        m = _covariate_matrices(world, self.log_distance_fill)
        out = np.full(m["cap_share"].shape, float(self.intercept))
        for k in COVARIATES:
            out += self.coefficients[k] * m[k]
        np.fill_diagonal(out, -np.inf)
        return out

    def _peace_index(self, peace_years: Any, n: int) -> np.ndarray:
        py = np.asarray(peace_years)
        if py.ndim not in (2, 3) or py.shape[-2:] != (n, n):
            raise InputError(
                f"peace_years has shape {py.shape}; expected ({n}, {n}) or (R, {n}, {n})",
                source="hazard",
                field="peace_years",
            )
        if py.dtype.kind in "iu":
            if py.size and py.min() < 0:
                raise InputError("peace_years must be >= 0", source="hazard", field="peace_years")
            return np.minimum(py, self.max_peace_years)
        if py.dtype.kind != "f" and py.dtype.kind != "b":
            raise InputError(
                f"peace_years must be numbers, not {py.dtype}", source="hazard", field="peace_years"
            )
        lo, hi = (py.min(), py.max()) if py.size else (0, 0)
        if not (lo >= 0 and np.isfinite(hi)):  # NaN fails both comparisons
            raise InputError(
                "peace_years must be finite and >= 0", source="hazard", field="peace_years"
            )
        idx = py.astype(np.intp)  # floors whole years
        return np.minimum(idx, self.max_peace_years, out=idx)

    def probabilities_from_base(self, base: np.ndarray, peace_years: Any) -> np.ndarray:
        """Annual onset probabilities from :meth:`base_logits` and peace years.

        ``peace_years`` is (N, N) or a batch (R, N, N); the result has its shape.
        Fractional years are floored; years beyond :attr:`max_peace_years` are clipped.
        """
        base = np.asarray(base, dtype=float)
        if base.ndim != 2 or base.shape[0] != base.shape[1]:
            raise InputError(
                f"base has shape {base.shape}; expected (N, N)", source="hazard", field="base"
            )
        idx = self._peace_index(peace_years, base.shape[0])
        # p = 1 / (1 + exp(-base) * exp(-spline)): one gather, one product, one reciprocal
        with np.errstate(over="ignore"):
            eb = np.exp(-base)
        out = self.exp_neg_spline[idx]
        out *= eb
        out += 1.0
        np.reciprocal(out, out=out)
        return out

    def probabilities(self, world: Any, peace_years: Any) -> np.ndarray:
        """(N, N) or (R, N, N) annual probability that a starts a MID using force against b."""
        return self.probabilities_from_base(self.base_logits(world), peace_years)

    # -- fitting -------------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        data_dir: str | None = None,
        *,
        first: int = FIRST_YEAR,
        last: int = LAST_YEAR,
        table: pd.DataFrame | None = None,
    ) -> Hazard:
        """Refit by maximum likelihood (unpenalised logistic regression) on :func:`dyad_years`.

        ``fit_info`` records n, events, in-sample AUC, the ratio of predicted to
        observed onsets per decade and the timings.
        """
        import sklearn
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score

        data_dir = _data_dir(data_dir)
        t0 = time.perf_counter()
        df = dyad_years(data_dir, first, last) if table is None else table
        t_build = time.perf_counter() - t0
        knots = KNOTS
        names = _spline_names(knots, DEGREE)
        t_clip = np.minimum(df["peace_years"].to_numpy(), KNOTS[-1])
        x = np.column_stack(
            [df[k].to_numpy(dtype=float) for k in COVARIATES]
            + [_spline_basis(knots, DEGREE, t_clip)]
        )
        y = df["onset"].to_numpy()
        t1 = time.perf_counter()
        # C=inf: no penalty (plain maximum likelihood; scikit-learn >= 1.8 spelling).
        # newton-cholesky: exact Newton steps, suited to many rows and few columns.
        model = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-10, max_iter=100)
        model.fit(x, y)
        t_fit = time.perf_counter() - t1
        p = model.predict_proba(x)[:, 1]
        decade = (df["year"].to_numpy() // 10) * 10
        by = pd.DataFrame({"decade": decade, "pred": p, "obs": y}).groupby("decade").sum()
        coefs = dict(zip([*COVARIATES, *names], map(float, model.coef_[0]), strict=True))
        info = {
            "first_year": int(first),
            "last_year": int(last),
            "n_dyad_years": len(df),
            "events": int(y.sum()),
            "auc": float(roc_auc_score(y, p)),
            "log_likelihood": float(np.sum(np.where(y == 1, np.log(p), np.log1p(-p)))),
            "distance_unknown": int(df["distance_unknown"].sum()),
            "iterations": int(model.n_iter_[0]),
            "solver": "sklearn LogisticRegression(C=inf, solver='newton-cholesky', tol=1e-10)",
            "sklearn": sklearn.__version__,
            "seconds_build": round(t_build, 2),
            "seconds_fit": round(t_fit, 2),
            "by_decade": {
                str(int(d)): {
                    "observed": int(r.obs),
                    "predicted": round(float(r.pred), 3),
                    "ratio": round(float(r.pred / r.obs), 4) if r.obs else float("nan"),
                }
                for d, r in by.iterrows()
            },
        }
        return cls(
            intercept=float(model.intercept_[0]),
            coefficients=coefs,
            knots=knots,
            degree=DEGREE,
            log_distance_fill=float(df.attrs.get("log_distance_fill", df["log_distance"].max())),
            fit_info=info,
            sources=_sources(data_dir),
        )

    # -- TOML ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        def clean(v: Any) -> Any:  # TOML has no NaN-free guarantee in readers: write strings
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, float) and not np.isfinite(v):
                return str(v)
            return v

        return {
            "model": {
                "description": (
                    "Annual probability that state a starts a MID in which it uses force "
                    "(hostlev >= 4) against b, as originator on side A: logit p = intercept + "
                    "sum(coefficients[x] * x) + B-spline(min(peace_years, max_peace_years))"
                ),
                "intercept": self.intercept,
                "covariates": list(COVARIATES),
                "log_distance_fill": self.log_distance_fill,
            },
            "coefficients": dict(self.coefficients),
            "spline": {
                "kind": "B-spline (sklearn SplineTransformer, include_bias=False)",
                "knots": list(self.knots),
                "degree": self.degree,
                "extrapolation": "constant; peace years clipped at the last knot",
                # for reading only (recomputed from the coefficients on load): the
                # peace-years term of the logit minus its value at 0 peace years
                "logit_vs_0": {
                    str(t): float(self.spline_table[t] - self.spline_table[0])
                    for t in (1, 2, 5, 10, 20, 50, 100, self.max_peace_years)
                },
            },
            "fit": clean(dict(self.fit_info)),
            "sources": {k: dict(v) for k, v in self.sources.items()},
            "citation": dict(self.citation),
        }

    def to_toml(self, path: str | Path) -> None:
        import tomli_w

        Path(path).write_text(tomli_w.dumps(self.to_dict()), encoding="utf-8")

    @classmethod
    def from_dict(cls, raw: dict[str, Any], source: str = "hazard.toml") -> Hazard:
        try:
            model, spline = raw["model"], raw["spline"]
            return cls(
                intercept=float(model["intercept"]),
                coefficients={k: float(v) for k, v in raw["coefficients"].items()},
                knots=tuple(float(k) for k in spline["knots"]),
                degree=int(spline["degree"]),
                log_distance_fill=float(model["log_distance_fill"]),
                fit_info=dict(raw.get("fit", {})),
                sources={k: dict(v) for k, v in raw.get("sources", {}).items()},
                citation=dict(raw.get("citation", {})),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"malformed hazard file ({err})", source=source) from None

    @classmethod
    def from_toml(cls, path: str | Path) -> Hazard:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise InputError(str(err).splitlines()[0], source=str(path)) from None
        return cls.from_dict(raw, source=str(path))

    @classmethod
    def default(cls) -> Hazard:
        """The shipped coefficients (``hazard.toml``), read once per process."""
        return _default()


@cache
def _default() -> Hazard:
    text = files("collsec.experiments").joinpath("hazard.toml").read_text(encoding="utf-8")
    return Hazard.from_dict(tomllib.loads(text), source="collsec/experiments/hazard.toml")


def main(argv: list[str] | None = None) -> int:
    """Refit from the data and write the TOML (default: the shipped ``hazard.toml``)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path(__file__).with_name("hazard.toml")
    h = Hazard.fit()
    h.to_toml(target)
    info = h.fit_info
    print(
        f"{target}: n={info['n_dyad_years']} events={info['events']} auc={info['auc']:.4f} "
        f"build {info['seconds_build']} s, fit {info['seconds_fit']} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
