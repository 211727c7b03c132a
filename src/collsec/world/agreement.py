"""UN General Assembly agreement between states, from the roll-call votes.

The agreement of two states in the world of year ``Y`` is the share of the
General Assembly roll calls of the three calendar years ``Y-3 .. Y-1`` on which
both cast a vote (yes, no or abstain) and cast the same one; it is unknown
(NaN) when they shared fewer than :data:`MIN_SHARED` such roll calls. Votes:
Voeten, Strezhnev & Bailey (2009), United Nations General Assembly Voting Data,
Harvard Dataverse, doi:10.7910/DVN/LEJUQZ (dataset ``unga_votes``), read through
:func:`collsec.data.loaders.load_unga_votes`.

Votes are named by ISO2 code; they are mapped to COW codes through the
crosswalk (:mod:`collsec.codes.crosswalk`) in the roll call's year, with the
explained exceptions of :data:`collsec.data.crosswalk_check.EXPLAINED` (the
USSR voting as ``RU``, Serbia as ``YU``, the rows without a code named by
country). The China seat is the exception kept here: its votes before 1971-10-25
are labelled ``TW`` in the file (country "Taiwan", 1946-01-01 to 1971-10-07;
``CN`` from 1971-11-03) and all have the key 713 (:data:`CHINA_SEAT_KEY`), the
code the ideal-point file gives the seat's holder for 1946-1971; before COW's
Taiwan (1949-12-08) the crosswalk would say 710.

Per calendar year, two (K, K) count matrices over every voter key are computed
with matrix products of one-hot (state x roll call) matrices, one per vote
option: ``same = sum_o A_o A_o^T`` and ``both = V V^T`` with ``V = sum_o A_o``.
They are cached as ``cache_dir()/agreement/unga_agreement__<votes sha256[:12]>__
<roll calls sha256[:12]>__<crosswalk sha256[:12]>__v<N>.npz`` (a changed file is
a new key) and in memory for the process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from collsec.codes.crosswalk import crosswalk_rows
from collsec.data import loaders as L
from collsec.data.crosswalk_check import EXPLAINED
from collsec.data.loaders._core import _cache_allowed, file_digest
from collsec.data.registry import cache_dir, cache_failed, locate, writable_cache

__all__ = [
    "CHINA_SEAT_KEY",
    "MIN_SHARED",
    "VOTE_OPTIONS",
    "WINDOW",
    "YearCounts",
    "agreement",
    "voter_keys",
    "year_counts",
]

VOTE_OPTIONS = ("yes", "no", "abstain")
#: fewer roll calls shared than this: the agreement is unknown (NaN)
MIN_SHARED = 10
#: calendar years of roll calls before the world's year
WINDOW = 3
#: the key of the China seat's votes labelled TW (the Republic of China, to 1971-10-25)
CHINA_SEAT_KEY = 713
#: bumped when the computation changes (old cache files are then ignored)
CACHE_VERSION = 1


@dataclass(frozen=True)
class YearCounts:
    """Per calendar year, the roll calls two voters shared and those they agreed on."""

    keys: np.ndarray  # (K,) int64 voter keys (COW codes), sorted
    years: np.ndarray  # (Y,) int64 calendar years, sorted
    same: np.ndarray  # (Y, K, K) uint16: both voted, the same vote
    both: np.ndarray  # (Y, K, K) uint16: both voted (yes, no or abstain)


def _explained(code: str, year: int, name: str) -> int | None:
    for e in EXPLAINED:
        if e.source != "unga_votes" or e.code != code or not e.first <= year <= e.last:
            continue
        if e.name is not None and e.name != name:
            continue
        return e.cow
    return None


@cache
def _iso2_rows() -> dict[str, tuple]:
    out: dict[str, list] = {}
    for r in crosswalk_rows():
        if r.iso2:
            out.setdefault(r.iso2, []).append(r)
    return {k: tuple(v) for k, v in out.items()}


def _key_on(rows: tuple, day: dt.date) -> int:
    """The COW code of the crosswalk row valid on ``day`` (else the nearest spell)."""
    for r in rows:
        if r.valid_on(day):
            return int(r.cow)

    def gap(r) -> int:
        if day < r.start:
            return (r.start - day).days
        return (day - r.end).days if r.end is not None else 0

    return int(min(rows, key=gap).cow)


def voter_keys(votes: pd.DataFrame) -> np.ndarray:
    """The voter key (a COW code, -1 if none) of each row of :func:`load_unga_votes`.

    ISO2 codes map through the crosswalk in the roll call's year (by day where two
    states shared the code that year); codes the crosswalk does not place that year,
    and rows without a code, through the explained exceptions; ``TW`` is always
    :data:`CHINA_SEAT_KEY`. Byelorussian and Ukrainian SSR votes, and India's of
    1946, have no COW state: -1.
    """
    code = votes["country_code"].fillna("").astype(str).str.strip().str.upper().to_numpy()
    name = votes["country"].fillna("").astype(str).to_numpy()
    date = pd.to_datetime(votes["date"])
    year = date.dt.year.fillna(0).astype("int64").to_numpy()
    keys = np.full(len(votes), -1, dtype=np.int64)
    groups = pd.DataFrame({"code": code, "name": name, "year": year}).groupby(
        ["code", "name", "year"], sort=False
    )
    day = date.dt.date.to_numpy()
    for (c, nm, y), idx in groups.indices.items():
        if c == "TW":
            keys[idx] = CHINA_SEAT_KEY
            continue
        rows = tuple(r for r in _iso2_rows().get(c, ()) if r.overlaps_year(int(y))) if c else ()
        cows = {r.cow for r in rows}
        if len(cows) == 1:
            keys[idx] = rows[0].cow
        elif len(cows) > 1:
            keys[idx] = [_key_on(rows, d) for d in day[idx]]
        else:
            cow = _explained(c, int(y), nm)
            keys[idx] = -1 if cow is None else cow
    return keys


def _counts(votes: pd.DataFrame) -> YearCounts:
    keys_all = voter_keys(votes)
    ok = keys_all >= 0
    df = pd.DataFrame(
        {
            "rcid": votes["rcid"].to_numpy(dtype="int64")[ok],
            "key": keys_all[ok],
            "vote": votes["vote"].astype(str).to_numpy()[ok],
            "year": pd.to_datetime(votes["date"]).dt.year.to_numpy()[ok],
        }
    )
    df = df[df["vote"].isin(VOTE_OPTIONS)].drop_duplicates(["rcid", "key"])
    keys = np.unique(df["key"].to_numpy())
    years = np.unique(df["year"].to_numpy()).astype(np.int64)
    k_of = pd.Index(keys)
    same = np.zeros((len(years), len(keys), len(keys)), dtype=np.uint16)
    both = np.zeros_like(same)
    for t, (_y, g) in enumerate(df.groupby("year", sort=True)):
        rc = pd.Index(np.unique(g["rcid"].to_numpy()))
        ki = k_of.get_indexer(g["key"].to_numpy())
        ri = rc.get_indexer(g["rcid"].to_numpy())
        voted = np.zeros((len(keys), len(rc)), dtype=np.float32)
        agree = np.zeros((len(keys), len(keys)), dtype=np.float32)
        for opt in VOTE_OPTIONS:
            m = (g["vote"] == opt).to_numpy()
            a = np.zeros((len(keys), len(rc)), dtype=np.float32)
            a[ki[m], ri[m]] = 1.0
            agree += a @ a.T
            voted += a
        same[t] = np.rint(agree).astype(np.uint16)
        both[t] = np.rint(voted @ voted.T).astype(np.uint16)
    return YearCounts(keys=keys.astype(np.int64), years=years, same=same, both=both)


_DIGESTS: dict[tuple[str, int, int], str] = {}


def _digest(path: Path) -> str:
    st = path.stat()
    k = (str(path), st.st_mtime_ns, st.st_size)
    if k not in _DIGESTS:
        _DIGESTS[k] = file_digest(path)
    return _DIGESTS[k]


def _cache_file(votes: Path, calls: Path) -> Path:
    walk = hashlib.sha256(files("collsec.codes").joinpath("crosswalk.csv").read_bytes()).hexdigest()
    name = (
        f"unga_agreement__{_digest(votes)[:12]}__{_digest(calls)[:12]}__{walk[:12]}"
        f"__v{CACHE_VERSION}.npz"
    )
    return cache_dir() / "agreement" / name


_MEMORY: dict[Path, YearCounts] = {}


def year_counts(data_dir: str | os.PathLike[str] | None = None) -> YearCounts:
    """The per-year counts of the data directory's votes (memory, then disk cache, then computed)."""
    votes_path = locate("unga_votes", "unga/votes.csv.gz", data_dir=data_dir)
    calls_path = locate("unga_votes", "unga/roll_calls.csv", data_dir=data_dir)
    target = _cache_file(votes_path, calls_path)
    if target in _MEMORY:
        return _MEMORY[target]
    counts = None
    if target.is_file():
        try:
            with np.load(target) as z:
                counts = YearCounts(z["keys"], z["years"], z["same"], z["both"])
        except Exception:  # a damaged cache file: compute again
            counts = None
    if counts is None:
        counts = _counts(L.load_unga_votes(data_dir=data_dir))
        if _cache_allowed(target, data_dir, votes_path) and writable_cache() is not None:
            _write(target, counts)
    _MEMORY[target] = counts
    return counts


def _write(target: Path, counts: YearCounts) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp.npz")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            tmp, keys=counts.keys, years=counts.years, same=counts.same, both=counts.both
        )
        os.replace(tmp, target)
    except OSError as err:  # a full disk must not stop a world: say so once, go without
        cache_failed(target, err)
    finally:
        tmp.unlink(missing_ok=True)


def agreement(
    keys: np.ndarray, year: int, data_dir: str | os.PathLike[str] | None = None
) -> np.ndarray:
    """The (n, n) agreement of the states with voter ``keys`` in the world of ``year``.

    Roll calls of the calendar years ``year - WINDOW .. year - 1``; NaN where two
    states shared fewer than :data:`MIN_SHARED`; 1 on the diagonal; all NaN for
    worlds of 1946 and earlier (no complete Assembly year before them). A key of
    -1 (no votes) gives NaN.
    """
    keys = np.asarray(keys, dtype=np.int64)
    n = len(keys)
    out = np.full((n, n), np.nan)
    if year <= 1946:
        return out
    c = year_counts(data_dir)
    sel = (c.years >= year - WINDOW) & (c.years <= year - 1)
    if sel.any():
        pos = pd.Index(c.keys).get_indexer(keys)
        have = pos >= 0
        p = pos[have]
        same = c.same[sel][:, p][:, :, p].sum(axis=0, dtype=np.int64)
        both = c.both[sel][:, p][:, :, p].sum(axis=0, dtype=np.int64)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(both >= MIN_SHARED, same / np.maximum(both, 1), np.nan)
        idx = np.flatnonzero(have)
        out[np.ix_(idx, idx)] = share
    np.fill_diagonal(out, 1.0)
    return out
