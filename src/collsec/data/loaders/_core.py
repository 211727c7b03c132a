"""The machinery shared by every loader: file specs, typed reading, the parquet cache, as_of.

A loader is a :class:`Spec` (which file of which dataset, which columns with which
types) plus a function that reads the typed frame through :func:`read` and applies
its dataset's ``as_of`` rule with the helpers at the end of this module. Loaders
register themselves with :func:`register`; :data:`LOADERS` and :func:`load` are
built from those registrations only.

Reading goes through pyarrow's CSV reader with *every* column read as text and
only blank cells (plus, per file, literal ``NA``) read as missing; each column is
then converted by its declared kind, strictly: a cell that does not parse is a
one-line :class:`~collsec.errors.InputError` naming the file, the line, the column
and the value.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import hashlib
import json
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from collsec.data.registry import DATA_ENV, cache_dir, cache_failed, locate, writable_cache
from collsec.errors import InputError

__all__ = [
    "LOADERS",
    "Col",
    "Derived",
    "Loader",
    "Spec",
    "as_of_date",
    "cache_path",
    "cut_spells",
    "keep_years_before",
    "load",
    "read",
    "register",
    "ymd_dates",
]

#: Bumped whenever the typed frame a spec produces changes in a way its fingerprint
#: cannot see (e.g. a ``prepare`` hook's logic); old cache files are then rebuilt.
LOADER_VERSION = 1

Kind = Literal["int", "float", "str", "bool", "date"]
AsOf = str | _dt.date | _dt.datetime | pd.Timestamp | None
PathLike = str | os.PathLike[str]

DTYPES: dict[str, str] = {
    "int": "Int64",
    "float": "Float64",
    "str": "string",
    "bool": "boolean",
    "date": "datetime64[ns]",
}


@dataclass(frozen=True)
class Col:
    """One column of a source file.

    ``kind`` is the type it is converted to (see :data:`DTYPES`); ``na_codes`` are
    published codes that mean "missing" and become NA (e.g. COW's ``-9``);
    ``rename`` is the output name when the file's name is awkward; an optional
    column (``required=False``) is typed when present and otherwise absent.
    """

    name: str
    kind: Kind
    doc: str = ""
    required: bool = True
    na_codes: tuple[int, ...] = ()
    rename: str | None = None

    @property
    def out(self) -> str:
        return self.rename or self.name


@dataclass(frozen=True)
class Derived:
    """A column the loader adds (documentation only)."""

    name: str
    kind: Kind
    doc: str


@dataclass(frozen=True)
class Spec:
    """One file of one dataset, as its loader reads it."""

    dataset: str
    path: str
    columns: tuple[Col, ...]
    derived: tuple[Derived, ...] = ()
    #: cells read as missing (always blank; the IPI files add "NA")
    na_strings: tuple[str, ...] = ("",)
    #: kind of columns the spec does not list (kept, typed as this kind)
    default_kind: Kind = "str"
    #: quoted cells may hold line breaks (slower reader; for text-heavy files)
    multiline: bool = False
    #: typed frame -> frame with derived columns, before the cache
    prepare: Callable[[pd.DataFrame, Spec], pd.DataFrame] | None = None
    #: one-paragraph summary of the as_of rule (for the docs)
    as_of_rule: str = ""

    @property
    def source(self) -> str:
        """How errors name the file: ``"cow/nmc.csv (cow_nmc)"``."""
        return f"{self.path} ({self.dataset})"

    @property
    def stem(self) -> str:
        """The file name without any extension: ``votes`` for ``unga/votes.csv.gz``."""
        return Path(self.path).name.split(".")[0]

    def col(self, name: str) -> Col | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    def fingerprint(self) -> str:
        """Changes whenever the spec (or :data:`LOADER_VERSION`) changes."""
        parts = [
            str(LOADER_VERSION),
            self.dataset,
            self.path,
            repr(self.na_strings),
            self.default_kind,
            repr([(c.name, c.kind, c.na_codes, c.rename, c.required) for c in self.columns]),
            self.prepare.__qualname__ if self.prepare else "",
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Loader:
    """A registered loader: its dataset, file and function."""

    dataset: str
    path: str
    func: Callable[..., pd.DataFrame]
    spec: Spec | None = None

    @property
    def stem(self) -> str:
        return Path(self.path).name.split(".")[0]


#: Every loader, keyed ``"dataset/file stem"`` (e.g. ``"cow_mid/mid_disputes"``), in
#: registration order; the first loader of a dataset is its default file.
LOADERS: dict[str, Loader] = {}


def register(
    spec: Spec | None = None, *, dataset: str | None = None, path: str | None = None
) -> Callable[[Callable[..., pd.DataFrame]], Callable[..., pd.DataFrame]]:
    """Decorator: add a loader function to :data:`LOADERS` (by its spec, or dataset and path)."""
    ds = spec.dataset if spec else dataset
    p = spec.path if spec else path
    if ds is None or p is None:
        raise TypeError("register() needs a spec or both dataset and path")

    def deco(func: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
        entry = Loader(ds, p, func, spec)
        key = f"{ds}/{entry.stem}"
        if key in LOADERS and LOADERS[key].func is not func:
            raise RuntimeError(f"two loaders for {key}")
        LOADERS[key] = entry
        func.spec = spec  # type: ignore[attr-defined]
        return func

    return deco


def find_loader(name: str, file: str | None = None) -> Loader:
    """The loader of dataset ``name`` for ``file`` (a path such as ``"cow/nmc.csv"`` or a stem)."""
    mine = [ld for ld in LOADERS.values() if ld.dataset == name]
    if not mine:
        known = sorted({ld.dataset for ld in LOADERS.values()})
        raise InputError(
            f"no loader for dataset '{name}' (known: {', '.join(known)})", source="dataset"
        )
    if file is None:
        return mine[0]
    for ld in mine:
        if file in (ld.path, ld.stem, Path(ld.path).name):
            return ld
    files = ", ".join(ld.path for ld in mine)
    raise InputError(f"dataset '{name}' has no file '{file}' (files: {files})", source="dataset")


def load(
    name: str,
    file: str | None = None,
    *,
    as_of: AsOf = None,
    data_dir: PathLike | None = None,
) -> pd.DataFrame:
    """Load one file of dataset ``name`` (default: its first file) through its loader.

    ``file`` is the file's path in the registry (``"cow/mid_dir_dyad_disputes.csv"``)
    or just its stem (``"mid_dir_dyad_disputes"``). ``as_of`` and ``data_dir`` are
    passed on; see :mod:`collsec.data.loaders` for what they do.

    >>> from collsec.data.loaders import load
    >>> load("cow_nmc", as_of="1900-01-01").year.max()  # doctest: +SKIP
    np.int64(1899)
    """
    return find_loader(name, file).func(as_of=as_of, data_dir=data_dir)


# --------------------------------------------------------------------------- reading


def read(spec: Spec, data_dir: PathLike | None = None) -> pd.DataFrame:
    """The typed frame of ``spec``'s file (no as_of filter): from the cache, else parsed.

    The file is found with :func:`collsec.data.registry.locate`. A parsed frame is
    written to the parquet cache (see :func:`cache_path`) atomically.
    """
    path = locate(spec.dataset, spec.path, data_dir=data_dir)
    return cached_frame(spec, path, data_dir=data_dir)


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cache_path(spec: Spec, digest: str) -> Path:
    """``cache_dir()/parquet/<dataset>__<file stem>__<first 12 hex of sha256>.parquet``."""
    return cache_dir() / "parquet" / f"{spec.dataset}__{spec.stem}__{digest[:12]}.parquet"


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
    except (ValueError, OSError):
        return False
    return True


def _cache_allowed(target: Path, data_dir: PathLike | None, source: Path) -> bool:
    """Never write into the data directory (nor next to the source file)."""
    roots = [source.parent]
    raw = data_dir if data_dir is not None else os.environ.get(DATA_ENV)
    if raw:
        roots.append(Path(raw).expanduser())
    return not any(_inside(target.parent, r) for r in roots)


def cached_frame(spec: Spec, path: Path, *, data_dir: PathLike | None = None) -> pd.DataFrame:
    """Read ``path`` as ``spec`` says, through the parquet cache."""
    try:
        digest = file_digest(path)
    except OSError as err:
        raise InputError(
            f"cannot read the file ({err.strerror or err})", source=spec.source
        ) from err
    target = cache_path(spec, digest)
    fingerprint = spec.fingerprint()
    if target.is_file():
        df = _read_cache(target, fingerprint)
        if df is not None:
            return df
    df = parse(spec, path)
    if not _cache_allowed(target, data_dir, path):
        warnings.warn(
            f"collsec: not cached: the cache directory {target.parent} is inside the data "
            "directory, which collsec never writes to (set COLLSEC_CACHE_DIR elsewhere)",
            RuntimeWarning,
            stacklevel=3,
        )
    elif writable_cache() is not None:  # else: said once, and parsed each time
        _write_cache(df, target, {"fingerprint": fingerprint, "sha256": digest, "file": spec.path})
    return df


def _read_cache(target: Path, fingerprint: str) -> pd.DataFrame | None:
    """The cached frame, or None if it is unreadable or was written by another spec version."""
    try:
        table = pq.read_table(target)
        meta = json.loads((table.schema.metadata or {}).get(b"collsec", b"{}"))
        if meta.get("fingerprint") != fingerprint:
            return None
        return table.to_pandas()
    except Exception:  # a damaged or foreign file: rebuild it
        return None


def _write_cache(df: pd.DataFrame, target: Path, meta: dict[str, Any]) -> None:
    """Write ``df`` to ``target`` atomically (temp file, then os.replace); never fail the load."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(df, preserve_index=False)
        metadata = dict(table.schema.metadata or {})
        metadata[b"collsec"] = json.dumps(meta).encode()
        pq.write_table(table.replace_schema_metadata(metadata), tmp)
        os.replace(tmp, target)
    except OSError as err:  # a full disk must not stop a load: say so once, go without
        cache_failed(target, err)
    except Exception as err:  # a read-only cache must not stop a load
        warnings.warn(f"collsec: not cached ({target}): {err}", RuntimeWarning, stacklevel=3)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _first_line(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0].strip()


def parse(spec: Spec, path: Path) -> pd.DataFrame:
    """Parse ``path`` into the typed frame of ``spec`` (every cell checked)."""
    kinds = {c.name: c for c in spec.columns}
    try:
        header = _header(path)
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(newlines_in_values=spec.multiline),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                null_values=list(spec.na_strings),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
        names = table.column_names
    except (pa.ArrowException, OSError, EOFError, ValueError) as err:
        raise InputError(f"unreadable ({_first_line(err)})", source=spec.source) from err
    if table.num_columns == 0:
        raise InputError("empty file", source=spec.source)
    missing = [c.name for c in spec.columns if c.required and c.name not in names]
    if missing:
        what = ", ".join(f"'{m}'" for m in missing)
        verb = "is" if len(missing) == 1 else "are"
        raise InputError(
            f"column{'s' if len(missing) > 1 else ''} {what} {verb} missing", source=spec.source
        )
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise InputError(f"duplicate column '{dup[0]}'", source=spec.source)
    out: dict[str, pa.ChunkedArray | pa.Array] = {}
    order = [c.name for c in spec.columns if c.name in names] + [n for n in names if n not in kinds]
    for name in order:
        col = kinds.get(name) or Col(name, spec.default_kind)
        arr = table.column(name)
        if not pa.types.is_string(arr.type):
            arr = pc.cast(arr, pa.string())
        out[col.out] = _convert(arr, col, spec)
    typed = pa.table(out) if out else pa.table({})
    df = typed.to_pandas(types_mapper=_PANDAS_TYPES.get)
    for name, c in ((c.out, c) for c in spec.columns if c.out in df.columns):
        if c.kind == "date":
            df[name] = df[name].astype("datetime64[ns]")
        elif df[name].dtype != DTYPES[c.kind]:
            df[name] = df[name].astype(DTYPES[c.kind])
    for name in df.columns:
        if name not in {c.out for c in spec.columns}:
            want = DTYPES[spec.default_kind]
            if spec.default_kind == "date":
                df[name] = df[name].astype("datetime64[ns]")
            elif df[name].dtype != want:
                df[name] = df[name].astype(want)
    if spec.prepare is not None:
        df = spec.prepare(df, spec)
    return df


def _header(path: Path) -> list[str]:
    """The column names on the first line (the file may be compressed)."""
    with pa.input_stream(str(path), compression="detect") as stream:
        head = stream.read(1 << 16)
    line = head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8-sig", errors="replace")
    return next(csv.reader([line]), [])


_PANDAS_TYPES: dict[pa.DataType, Any] = {
    pa.int64(): pd.Int64Dtype(),
    pa.float64(): pd.Float64Dtype(),
    pa.string(): pd.StringDtype(),
    pa.large_string(): pd.StringDtype(),
    pa.bool_(): pd.BooleanDtype(),
}

_INT_RE = r"^[-+]?[0-9]+(\.0*)?$"
_FLOAT_RE = r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"
_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TRUE = ["1", "1.0", "true", "t", "yes", "y"]
_FALSE = ["0", "0.0", "false", "f", "no", "n"]


def _bad(arr: pa.ChunkedArray, ok: pa.ChunkedArray | pa.Array, col: Col, spec: Spec, what: str):
    """Raise the one-line error for the first non-null cell of ``arr`` where ``ok`` is false."""
    flags = pc.and_(pc.is_valid(arr), pc.invert(pc.fill_null(ok, False)))
    idx = np.flatnonzero(np.asarray(flags.to_numpy(zero_copy_only=False), dtype=bool))
    i = int(idx[0]) if len(idx) else 0
    value = arr[i].as_py() if len(arr) else None
    raise InputError(
        f"{what}: {value!r}", source=spec.source, field=f"line {i + 2}, column '{col.name}'"
    )


def _na_codes(out: pa.ChunkedArray | pa.Array, col: Col, typ: pa.DataType):
    if not col.na_codes:
        return out
    codes = pa.array([typ.to_pandas_dtype()(c) for c in col.na_codes], typ)
    return pc.if_else(pc.is_in(out, value_set=codes), pa.scalar(None, typ), out)


def _fast_cast(arr: pa.ChunkedArray, typ: pa.DataType) -> pa.ChunkedArray | None:
    """Arrow's own cast when every cell is a plain number, else None (then check cell by cell)."""
    if pa.types.is_integer(typ) and pc.any(pc.match_substring(arr, "x", ignore_case=True)).as_py():
        return None  # arrow reads "0x10" as 16
    try:
        out = pc.cast(arr, typ)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if pa.types.is_floating(typ) and pc.any(pc.invert(pc.is_finite(out))).as_py():
        return None  # "nan", "inf": not numbers a data file should hold
    return out


def _convert(arr: pa.ChunkedArray, col: Col, spec: Spec) -> pa.ChunkedArray | pa.Array:
    """Convert one text column to its kind (strictly)."""
    if col.kind == "str":
        return arr
    if col.kind in ("int", "float"):
        typ = pa.int64() if col.kind == "int" else pa.float64()
        fast = _fast_cast(arr, typ)
        if fast is not None:
            return _na_codes(fast, col, typ)
    text = pc.utf8_trim_whitespace(arr)
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    if col.kind == "int":
        ok = pc.match_substring_regex(text, _INT_RE)
        if not pc.all(pc.fill_null(ok, True)).as_py():
            _bad(text, ok, col, spec, "not an integer")
        whole = pc.replace_substring_regex(text, r"\.0*$", "")
        try:
            out = pc.cast(whole, pa.int64())
        except pa.ArrowInvalid as err:  # out of the int64 range
            raise InputError(
                f"integer out of range ({_first_line(err)})",
                source=spec.source,
                field=f"column '{col.name}'",
            ) from err
        return _na_codes(out, col, pa.int64())
    if col.kind == "float":
        ok = pc.match_substring_regex(text, _FLOAT_RE)
        if not pc.all(pc.fill_null(ok, True)).as_py():
            _bad(text, ok, col, spec, "not a number")
        return _na_codes(pc.cast(text, pa.float64()), col, pa.float64())
    if col.kind == "bool":
        low = pc.utf8_lower(text)
        t = pc.is_in(low, value_set=pa.array(_TRUE))
        f = pc.is_in(low, value_set=pa.array(_FALSE))
        ok = pc.or_(pc.or_(t, f), pc.is_null(text))
        if not pc.all(pc.fill_null(ok, True)).as_py():
            _bad(text, ok, col, spec, "not a yes/no value")
        return pc.if_else(pc.is_null(text), pa.scalar(None, pa.bool_()), t)
    if col.kind == "date":
        ok = pc.match_substring_regex(text, _DATE_RE)
        if not pc.all(pc.fill_null(ok, True)).as_py():
            _bad(text, ok, col, spec, "not a YYYY-MM-DD date")
        parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
        ok = pc.or_(pc.is_valid(parsed), pc.is_null(text))
        if not pc.all(ok).as_py():
            _bad(text, ok, col, spec, "not a calendar date")
        return parsed
    raise ValueError(f"unknown column kind {col.kind!r}")  # pragma: no cover - a spec bug


# --------------------------------------------------------------------------- dates


def ymd_dates(
    df: pd.DataFrame,
    year: str,
    month: str | None,
    day: str | None,
    *,
    end: bool,
    spec: Spec,
    unknown_days: Sequence[int] = (),
    strict: bool = True,
) -> tuple[pd.Series, pd.Series]:
    """Combine year/month/day columns into a date and its precision.

    Returns ``(date, precision)``. ``precision`` is ``"day"``, ``"month"`` or
    ``"year"`` (NA when the year is missing). An unknown day (NA, or one of
    ``unknown_days``) gives the 1st of the month for a start (``end=False``) and
    the month's last day for an end; an unknown month gives 1 January / 31
    December. So a start is the *earliest* and an end the *latest* possible date.
    A month outside 1-12 or a day past the month's end is an :class:`InputError`
    (with ``strict=False``: an unknown month or day).
    """
    n = len(df)

    def arr(name: str | None) -> np.ndarray:
        if name is None or name not in df.columns:
            return np.full(n, np.nan)
        return df[name].to_numpy(dtype="float64", na_value=np.nan)

    y, m, d = arr(year), arr(month), arr(day)
    has_y = ~np.isnan(y)
    has_m = has_y & ~np.isnan(m)
    bad_m = has_m & ((m < 1) | (m > 12))
    if bad_m.any() and not strict:
        has_m &= ~bad_m
    elif bad_m.any():
        i = int(np.flatnonzero(bad_m)[0])
        raise InputError(
            f"impossible month {int(m[i])}",
            source=spec.source,
            field=f"line {i + 2}, column '{month}'",
        )
    has_d = has_m & ~np.isnan(d)
    if len(unknown_days):
        has_d &= ~np.isin(d, np.asarray(unknown_days, dtype="float64"))
    yi = np.where(has_y, y, 1970).astype("int64")
    mi = np.where(has_m, m, 1).astype("int64")
    month0 = ((yi - 1970) * 12 + (mi - 1)).astype("datetime64[M]")
    first = month0.astype("datetime64[D]")
    last = (month0 + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    dim = (last - first).astype("int64") + 1
    bad_d = has_d & ((d < 1) | (d > dim))
    if bad_d.any() and not strict:
        has_d &= ~bad_d
    elif bad_d.any():
        i = int(np.flatnonzero(bad_d)[0])
        raise InputError(
            f"impossible date {int(y[i])}-{int(m[i])}-{int(d[i])}",
            source=spec.source,
            field=f"line {i + 2}, column '{day}'",
        )
    di = np.where(has_d, d, 1).astype("int64")
    year0 = (yi - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    year_last = (yi - 1970 + 1).astype("datetime64[Y]").astype("datetime64[D]") - np.timedelta64(
        1, "D"
    )
    if end:
        out = np.where(has_d, first + (di - 1), np.where(has_m, last, year_last))
    else:
        out = np.where(has_d, first + (di - 1), np.where(has_m, first, year0))
    out = np.where(has_y, out, np.datetime64("NaT"))
    prec = np.where(has_d, "day", np.where(has_m, "month", "year")).astype(object)
    prec[~has_y] = None
    index = df.index
    return (
        pd.Series(out.astype("datetime64[ns]"), index=index),
        pd.Series(prec, index=index, dtype="string"),
    )


def latest(dates: pd.Series, precision: pd.Series | str) -> pd.Series:
    """The latest day a date of the given precision can stand for (idempotent on ends)."""
    if isinstance(precision, str):
        precision = pd.Series(precision, index=dates.index, dtype="string")
    out = dates.copy()
    month = (precision == "month").fillna(False).to_numpy(dtype=bool)
    year = (precision == "year").fillna(False).to_numpy(dtype=bool)
    if month.any():
        out[month] = dates[month].dt.to_period("M").dt.end_time.dt.normalize()
    if year.any():
        out[year] = dates[year].dt.to_period("Y").dt.end_time.dt.normalize()
    return out.astype("datetime64[ns]")


# --------------------------------------------------------------------------- as_of


def as_of_date(as_of: AsOf) -> pd.Timestamp | None:
    """``as_of`` as a day (midnight; times and time zones are dropped), or None."""
    if as_of is None:
        return None
    try:
        ts = pd.Timestamp(as_of)
    except (ValueError, TypeError, OverflowError):
        raise InputError(f"not a date: {as_of!r}", source="as_of") from None
    if pd.isna(ts):
        raise InputError(f"not a date: {as_of!r}", source="as_of")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def keep_years_before(df: pd.DataFrame, as_of: AsOf, year: str = "year") -> pd.DataFrame:
    """Year-level rows: keep ``year < as_of.year`` (a year is known once it is over)."""
    when = as_of_date(as_of)
    if when is None:
        return df
    keep = (df[year] < when.year).fillna(False).to_numpy(dtype=bool)
    return df[keep].reset_index(drop=True)


def mask_groups_reaching(
    df: pd.DataFrame,
    as_of: AsOf,
    group: str | Sequence[str],
    columns: Sequence[str],
    year: str = "year",
) -> pd.DataFrame:
    """Year-level episodes: keep ``year < as_of.year``; for episodes (``group``) that also
    have rows in ``as_of.year`` or later, set ``columns`` (whole-episode summaries) to NA."""
    when = as_of_date(as_of)
    if when is None:
        return df
    keys = [group] if isinstance(group, str) else list(group)
    future = (df[year] >= when.year).fillna(True).to_numpy(dtype=bool)
    reaching = pd.MultiIndex.from_frame(df.loc[future, keys])
    out = df[~future].reset_index(drop=True)
    hit = pd.MultiIndex.from_frame(out[keys]).isin(reaching)
    for c in columns:
        if c in out.columns:
            out[c] = out[c].mask(hit)
    return out


def cut_spells(
    df: pd.DataFrame,
    as_of: AsOf,
    *,
    start: str,
    end: str,
    start_precision: str = "day",
    end_precision: str = "day",
    end_columns: Sequence[str] = (),
    mask: Sequence[str] = (),
) -> tuple[pd.DataFrame, np.ndarray]:
    """Spells (a start and an end date): the frame as known just before ``as_of``.

    ``start_precision``/``end_precision`` are a column name or a fixed precision
    (``"day"``, ``"month"``, ``"year"``). A row is kept when it is certain that it
    began before ``as_of``: its latest possible start is before ``as_of``, or its
    (latest possible) end is. A kept row that had not certainly ended before
    ``as_of`` is cut: ``end``, its precision column and ``end_columns`` become NA,
    and so do ``mask`` (outcome fields). Returns the frame and, per kept row,
    whether it was cut.
    """
    when = as_of_date(as_of)
    if when is None:
        return df, np.zeros(len(df), dtype=bool)

    def prec(p: str) -> pd.Series | str:
        return df[p] if p in df.columns else p

    s_late = latest(df[start], prec(start_precision))
    e_late = latest(df[end], prec(end_precision))
    ended = (e_late < when).fillna(False).to_numpy(dtype=bool)
    began = (s_late < when).fillna(False).to_numpy(dtype=bool) | ended
    out = df[began].reset_index(drop=True)
    cut = ~ended[began]
    cols = [end, *end_columns, *mask]
    if end_precision in df.columns:
        cols.append(end_precision)
    for c in cols:
        if c in out.columns:
            out[c] = out[c].mask(cut)
    return out, cut


def mask_dates_after(
    df: pd.DataFrame, as_of: AsOf, date: pd.Series, columns: Sequence[str]
) -> pd.DataFrame:
    """Set ``columns`` to NA where ``date`` (aligned with ``df``) is on/after as_of."""
    when = as_of_date(as_of)
    if when is None:
        return df
    hit = (date >= when).fillna(False).to_numpy(dtype=bool)
    if hit.any():
        for c in columns:
            if c in df.columns:
                df[c] = df[c].mask(hit)
    return df
