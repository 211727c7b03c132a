"""Fetch, import and verify the registry's datasets.

The *data directory* (``--data-dir`` / ``$COLLSEC_DATA_DIR``) is read-only: nothing
here writes to it. Everything collsec obtains goes to the cache
(:func:`collsec.data.registry.cache_dir`), under ``datasets/<registry path>``, and a
small ledger ``checksums.json`` beside it records where each cached file came from.

:func:`fetch`
    Downloads each file's official ``url`` (urllib, no extra dependency), streams it to
    a temporary file in the destination directory, converts it as the registry's
    ``fetch_format`` says (``same``, ``gzip``, ``gunzip``, ``zip:PATTERN`` and
    ``convert:NAME``, which rewrites the official file into the mirror's layout with
    :mod:`collsec.data.convert`; chained with ``|``), checks the SHA-256 of the result
    and only then moves it into place with :func:`os.replace`. The checksum expected is
    the registry's ``fetch_sha256``; where the registry has none, the first download's
    checksum is recorded in ``checksums.json`` (trust on first use) and later downloads
    must match it. A result identical to the reference (mirror) file always passes.
    Any failure (HTTP error, connection reset, a body shorter than its Content-Length, a
    checksum mismatch, a bad zip, an official file a converter cannot read) removes the
    temporaries, leaves the cache as it was, and raises an
    :class:`~collsec.errors.InputError` whose message is one line naming the dataset,
    the URL and the problem.

    ``base_url`` fetches from a *mirror* laid out like a data directory instead:
    ``<base_url>/<registry path>``, as is, checked against the registry's ``sha256``.

:func:`import_file`
    Copies a file the user already has into the cache, after checking its CSV header
    and (where the registry has one) its SHA-256.

:func:`verify`
    Compares every registry file found in the data directory or the cache with the
    registry (checksum and header). Further checks can be plugged in with
    :func:`register_verify_check`.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fnmatch
import gzip
import hashlib
import http.client
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collsec import __version__
from collsec.data import convert as converting
from collsec.data import registry
from collsec.data.registry import DataFile, Dataset
from collsec.errors import CollsecError, DataMissingError, InputError

__all__ = [
    "CHECKSUMS_FILE",
    "VERIFY_CHECKS",
    "fetch",
    "file_header",
    "import_file",
    "register_verify_check",
    "sha256_file",
    "verify",
]

#: The ledger of cached files, in :func:`collsec.data.registry.cache_dir`.
CHECKSUMS_FILE = "checksums.json"

CHUNK = 1 << 16
TIMEOUT = 60.0
BAD_STATUSES = ("checksum mismatch", "columns differ")

#: Extra checks run by :func:`verify`: each takes the data directory (or None) and returns
#: a dict with at least ``"name"`` (the key it is reported under) and ``"ok"``.
VerifyCheck = Callable[[Path | None], dict[str, Any]]
VERIFY_CHECKS: list[VerifyCheck] = []


def register_verify_check(check: VerifyCheck) -> VerifyCheck:
    """Add ``check`` to the checks :func:`verify` runs (usable as a decorator)."""
    if check not in VERIFY_CHECKS:
        VERIFY_CHECKS.append(check)
    return check


class _Problem(Exception):
    """A failure inside fetch/import, turned into a one-line InputError by the caller."""


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _fail(dataset: str, where: str, problem: object) -> InputError:
    return InputError(_one_line(problem), source=dataset, field=_one_line(where))


# --------------------------------------------------------------------------- helpers


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, hex."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def _is_tabular(rel: str) -> bool:
    return rel.endswith((".csv", ".csv.gz"))


def file_header(path: Path) -> list[str]:
    """The header row of a CSV file (gzip-compressed or not); ``[]`` for an empty file."""
    opener = gzip.open if _is_gzip(path) else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as f:
            return next(csv.reader(f), [])
    except (OSError, EOFError, csv.Error, zlib.error) as e:
        raise _Problem(f"cannot read the CSV header ({e.__class__.__name__}: {e})") from None


def _column_problem(found: list[str], expected: tuple[str, ...]) -> str | None:
    if list(expected) == found:
        return None
    missing = [c for c in expected if c not in found]
    extra = [c for c in found if c not in expected]
    if not missing and not extra:
        return "columns differ: same columns in another order"
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing[:6]) + (" ..." if len(missing) > 6 else ""))
    if extra:
        parts.append("unexpected " + ", ".join(extra[:6]) + (" ..." if len(extra) > 6 else ""))
    return "columns differ: " + "; ".join(parts)


def _ledger_path() -> Path:
    return registry.cache_dir() / CHECKSUMS_FILE


def _load_ledger() -> dict[str, dict[str, Any]]:
    path = _ledger_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(
            f"unreadable checksum ledger ({e.__class__.__name__})", source=str(path)
        ) from None
    files = data.get("files", {}) if isinstance(data, dict) else {}
    return files if isinstance(files, dict) else {}


def _save_ledger(files: dict[str, dict[str, Any]]) -> None:
    path = _ledger_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": 1, "files": files}, indent=2, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".checksums.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _today() -> str:
    return dt.date.today().isoformat()


def _console():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _note(message: str) -> None:
    _console().print(message, markup=False)


def _guard_read_only(data_dir: str | os.PathLike[str] | None) -> None:
    """Refuse to run if the cache (where fetch and import write) is not writable, or
    would sit inside the read-only data directory."""
    problem = registry.cache_problem()
    if problem is not None:
        raise InputError(
            f"the cache directory is not writable ({problem}); set {registry.CACHE_ENV} "
            "to a folder you can write",
            source=str(registry.cache_dir()),
        )
    raw = data_dir if data_dir is not None else os.environ.get(registry.DATA_ENV)
    if not raw:
        return
    root = Path(raw).expanduser()
    if not root.is_dir():
        return
    cache = registry.cache_dir().expanduser().resolve()
    if cache == root.resolve() or root.resolve() in cache.parents:
        raise InputError(
            "the cache directory is inside the read-only data directory; set "
            f"{registry.CACHE_ENV} to a directory outside it",
            source=str(cache),
        )


class _Staging:
    """Temporary files and directories created while staging; removed unless committed."""

    def __init__(self) -> None:
        self.files: list[Path] = []
        self.dirs: list[Path] = []

    def mkdir(self, directory: Path) -> None:
        missing = []
        d = directory
        while not d.exists():
            missing.append(d)
            d = d.parent
        for d in reversed(missing):
            d.mkdir()
            self.dirs.append(d)

    def temp(self, directory: Path, stem: str) -> Path:
        self.mkdir(directory)
        fd, name = tempfile.mkstemp(prefix=f".{stem}.", suffix=".part", dir=directory)
        os.close(fd)
        path = Path(name)
        self.files.append(path)
        return path

    def cleanup(self, *, keep_dirs: bool = False) -> None:
        for f in self.files:
            with contextlib.suppress(OSError):
                f.unlink()
        self.files.clear()
        if not keep_dirs:
            for d in reversed(self.dirs):
                with contextlib.suppress(OSError):
                    d.rmdir()
        self.dirs.clear()


# --------------------------------------------------------------------------- download


def _progress(enabled: bool):
    if not enabled:
        return contextlib.nullcontext(None)
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=_console(),
        transient=False,
    )


def _download(url: str, dest: Path, label: str, progress: Any) -> None:
    """Stream ``url`` into ``dest``; raise _Problem on any failure."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise _Problem(f"unsupported URL scheme '{scheme}' (only http and https)")
    request = urllib.request.Request(url, headers={"User-Agent": f"collsec/{__version__}"})
    received = 0
    expected: int | None = None
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            length = response.headers.get("Content-Length")
            if length is not None and length.strip().isdigit():
                expected = int(length)
            task = progress.add_task(label, total=expected) if progress is not None else None
            with open(dest, "wb") as out:
                while True:
                    chunk = response.read(CHUNK)
                    if not chunk:
                        break
                    out.write(chunk)
                    received += len(chunk)
                    if task is not None:
                        progress.update(task, advance=len(chunk))
    except urllib.error.HTTPError as e:
        raise _Problem(f"HTTP error {e.code} ({_one_line(e.reason)})") from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, TimeoutError):
            raise _Problem(f"timed out after {TIMEOUT:.0f} s") from None
        raise _Problem(f"cannot connect ({_one_line(reason)})") from None
    except http.client.IncompleteRead as e:
        raise _Problem(
            f"truncated download: connection closed after {received + len(e.partial)} bytes"
            + (f" of {expected}" if expected is not None else "")
        ) from None
    except TimeoutError:
        raise _Problem(f"timed out after {TIMEOUT:.0f} s") from None
    except (http.client.HTTPException, OSError) as e:
        raise _Problem(
            f"connection failed after {received} bytes ({e.__class__.__name__}: {_one_line(e)})"
        ) from None
    if expected is not None and received != expected:
        raise _Problem(
            f"truncated download: received {received} of {expected} bytes (Content-Length)"
        )


# --------------------------------------------------------------------------- conversion


def _steps(fetch_format: str) -> list[str]:
    steps = [s.strip() for s in (fetch_format or "same").split("|")]
    for s in steps:
        if s.startswith("convert:"):
            if s[8:] not in converting.CONVERTERS:
                raise _Problem(f"unknown converter in fetch_format step '{s}'")
        elif s not in ("same", "gzip", "gunzip") and not (s.startswith("zip:") and len(s) > 4):
            raise _Problem(f"unknown fetch_format step '{s}'")
    return [s for s in steps if s != "same"]


def _zip_members(zf: zipfile.ZipFile, pattern: str) -> list[zipfile.ZipInfo]:
    out = []
    for info in zf.infolist():
        if info.is_dir() or info.filename.startswith("__MACOSX/"):
            continue
        base = info.filename.rsplit("/", 1)[-1]
        if fnmatch.fnmatchcase(info.filename, pattern) or fnmatch.fnmatchcase(base, pattern):
            out.append(info)
    return out


def _extract_zip(src: Path, pattern: str, dest: Path, staging: _Staging, depth: int = 0) -> None:
    try:
        with zipfile.ZipFile(src) as zf:
            found = _zip_members(zf, pattern)
            if len(found) > 1:
                names = ", ".join(i.filename for i in found[:4])
                raise _Problem(f"several zip members match '{pattern}' ({names})")
            if found:
                with zf.open(found[0]) as fin, open(dest, "wb") as fout:
                    shutil.copyfileobj(fin, fout, CHUNK)
                return
            nested = [i for i in zf.infolist() if i.filename.lower().endswith(".zip")]
            if depth < 3:
                for info in nested:
                    inner = staging.temp(dest.parent, "nested")
                    with zf.open(info) as fin, open(inner, "wb") as fout:
                        shutil.copyfileobj(fin, fout, CHUNK)
                    try:
                        _extract_zip(inner, pattern, dest, staging, depth + 1)
                        return
                    except _Problem as e:
                        if "no zip member" not in str(e):
                            raise
            raise _Problem(f"no zip member matches '{pattern}'")
    except zipfile.BadZipFile as e:
        raise _Problem(f"bad zip archive ({_one_line(e)})") from None
    except (zlib.error, EOFError) as e:
        raise _Problem(f"bad zip archive ({e.__class__.__name__}: {_one_line(e)})") from None


def _run_converter(
    name: str, src: Path, out: Path, rel: str, data_dir: str | os.PathLike[str] | None
) -> None:
    """Rewrite the official file ``src`` into the mirror layout of ``rel`` (see convert.py)."""
    conv = converting.CONVERTERS[name]
    needs: dict[str, Path] = {}
    for dataset, path in conv.needs:
        try:
            needs[path] = registry.locate(dataset, path, data_dir=data_dir)
        except (DataMissingError, InputError):
            raise _Problem(
                f"converting {conv.official} into {rel} needs {path}: run "
                f"`collsec data fetch {dataset}` first"
            ) from None
    try:
        converting.convert(name, src, out, needs)
    except converting.ConvertError as e:
        raise _Problem(f"cannot convert the official file into {rel}: {e}") from None
    except OSError as e:
        raise _Problem(
            f"cannot convert the official file into {rel} ({e.__class__.__name__}: {e})"
        ) from None


def _convert(
    src: Path,
    steps: list[str],
    staging: _Staging,
    stem: str,
    rel: str = "",
    data_dir: str | os.PathLike[str] | None = None,
) -> Path:
    current = src
    for step in steps:
        out = staging.temp(src.parent, stem)
        if step.startswith("convert:"):
            _run_converter(step[8:], current, out, rel or stem, data_dir)
        elif step == "gzip":
            with (
                open(current, "rb") as fin,
                open(out, "wb") as raw,
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
            ):
                shutil.copyfileobj(fin, gz, CHUNK)
        elif step == "gunzip":
            try:
                with gzip.open(current, "rb") as fin, open(out, "wb") as fout:
                    shutil.copyfileobj(fin, fout, CHUNK)
            except (OSError, EOFError, zlib.error) as e:
                raise _Problem(f"not a valid gzip file ({_one_line(e)})") from None
        else:
            _extract_zip(current, step[4:], out, staging)
        current = out
    return current


# --------------------------------------------------------------------------- fetch


@dataclass
class _Target:
    file: DataFile
    url: str
    steps: list[str]
    mirror: bool
    dest: Path


def _mirror_url(base_url: str, rel: str) -> str:
    base = base_url if base_url.endswith("/") else base_url + "/"
    return urllib.parse.urljoin(base, urllib.parse.quote(rel))


def _targets(ds: Dataset, base_url: str | None) -> tuple[list[_Target], list[DataFile]]:
    targets, manual = [], []
    for f in ds.files:
        dest = registry.cached_path(f.path)
        if base_url:
            targets.append(_Target(f, _mirror_url(base_url, f.path), [], True, dest))
        elif f.url:
            try:
                steps = _steps(f.fetch_format)
            except _Problem as e:
                raise _fail(ds.name, f.path, e) from None
            targets.append(_Target(f, f.url, steps, False, dest))
        else:
            manual.append(f)
    return targets, manual


def _expected(t: _Target, ledger: dict[str, dict[str, Any]]) -> tuple[str | None, str]:
    """The checksum a download must have and where that expectation comes from."""
    if t.mirror:
        return t.file.sha256, "the registry"
    if t.file.fetch_sha256:
        return t.file.fetch_sha256, "the registry"
    rec = ledger.get(t.file.path)
    if rec and rec.get("source") == "fetch" and rec.get("url") == t.url and rec.get("sha256"):
        return rec["sha256"], f"the checksum recorded on {rec.get('recorded', 'first download')}"
    return None, ""


def fetch(
    name: str,
    *,
    force: bool = False,
    progress: bool = True,
    base_url: str | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Download dataset ``name`` into the cache; return the cached paths.

    Files already in the cache are left alone unless ``force``. Files without an official
    URL are skipped with a note (they must be imported). ``base_url`` fetches every file
    from a mirror laid out like a data directory (``<base_url>/<registry path>``), as is,
    checked against the registry's checksums.

    Raises
    ------
    InputError
        One line naming the dataset, the URL and the problem; the cache is unchanged.
    """
    ds = registry.get_dataset(name)
    if ds.fetch_refusal:
        raise InputError(ds.fetch_refusal, source=f"{name}: fetch refused")
    _guard_read_only(data_dir)
    targets, manual = _targets(ds, base_url)
    if not targets:
        raise InputError(
            "no official download address; obtain the file(s) from "
            f"{ds.source} and run `collsec data import {name} FILE`",
            source=name,
        )
    for f in manual:
        _note(f"{name}: {f.path} has no official download; use `collsec data import {name} FILE`")
    todo = [t for t in targets if force or not t.dest.exists()]
    if not todo:
        _note(f"{name}: already in the cache (use --force to download again)")
        return [t.dest for t in targets]

    ledger = _load_ledger()
    updates: dict[str, dict[str, Any]] = {}
    staging = _Staging()
    ready: list[tuple[_Target, Path]] = []
    downloads: dict[str, Path] = {}
    recorded: list[str] = []
    try:
        with _progress(progress) as bar:
            for t in todo:
                stem = t.dest.name
                try:
                    raw = downloads.get(t.url)
                    if raw is None:
                        raw = staging.temp(t.dest.parent, stem)
                        _download(t.url, raw, f"{name}: {t.file.path}", bar)
                        downloads[t.url] = raw
                    result = _convert(raw, t.steps, staging, stem, t.file.path, data_dir)
                    if result == raw and len([u for u in todo if u.url == t.url]) > 1:
                        copy = staging.temp(t.dest.parent, stem)
                        shutil.copyfile(raw, copy)
                        result = copy
                    digest = sha256_file(result)
                    expected, origin = _expected(t, ledger)
                    if digest == t.file.sha256:
                        pass  # identical to the reference file
                    elif expected is not None and digest != expected:
                        raise _Problem(
                            f"checksum mismatch: got {digest[:16]}..., expected "
                            f"{expected[:16]}... from {origin}"
                            + (
                                f" (if the source was updated, delete the entry for "
                                f"{t.file.path} in {_ledger_path()})"
                                if origin.startswith("the checksum recorded")
                                else ""
                            )
                        )
                    elif expected is None:
                        recorded.append(t.file.path)
                    columns = file_header(result) if _is_tabular(t.file.path) else []
                except _Problem as e:
                    raise _fail(name, t.url, e) from None
                old = ledger.get(t.file.path)
                keep_old = (
                    old is not None
                    and old.get("source") == "fetch"
                    and old.get("url") == t.url
                    and old.get("sha256") == digest
                )
                if not keep_old:
                    updates[t.file.path] = {
                        "source": "mirror" if t.mirror else "fetch",
                        "url": t.url,
                        "fetch_format": "same" if t.mirror else t.file.fetch_format,
                        "sha256": digest,
                        "columns": columns,
                        "recorded": _today(),
                    }
                ready.append((t, result))
        for t, result in ready:
            os.replace(result, t.dest)
        if updates:
            _save_ledger({**ledger, **updates})
    except BaseException:
        staging.cleanup()
        raise
    staging.cleanup(keep_dirs=True)
    for path in recorded:
        _note(
            f"{name}: the registry has no checksum for the official {path}; recorded this "
            f"download's SHA-256 in {_ledger_path()} (later downloads must match it)"
        )
    return [t.dest for t in targets]


# --------------------------------------------------------------------------- import


def _pick_file(ds: Dataset, src: Path, file: str | None) -> DataFile:
    if file is not None:
        return ds.file(file)
    if len(ds.files) == 1:
        return ds.files[0]
    base = src.name
    matches = [f for f in ds.files if f.path.rsplit("/", 1)[-1] in (base, base.removesuffix(".gz"))]
    if len(matches) == 1:
        return matches[0]
    raise InputError(
        f"dataset '{ds.name}' has {len(ds.files)} files; say which with --file "
        f"(one of: {', '.join(f.path for f in ds.files[:5])}"
        + (", ...)" if len(ds.files) > 5 else ")"),
        source=str(src),
    )


def import_file(
    name: str,
    path: str | os.PathLike[str],
    *,
    file: str | None = None,
    force: bool = False,
    data_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Copy a file the user already has into the cache as ``file`` of dataset ``name``.

    The CSV header must match the registry's columns and, where the registry has a
    checksum, the SHA-256 must match it; ``force`` turns both into warnings (except for
    datasets with a ``fetch_refusal``, whose checksum must always match). Compression must
    match the registry path (``.csv.gz`` wants a gzip file). Returns the cached path.
    """
    ds = registry.get_dataset(name)
    src = Path(path).expanduser()
    if not src.is_file():
        raise InputError("file not found", source=str(src))
    f = _pick_file(ds, src, file)
    _guard_read_only(data_dir)
    strict = bool(ds.fetch_refusal)
    where = f"{src} -> {f.path}"
    warnings: list[str] = []
    try:
        wants_gzip = f.path.endswith(".gz")
        if wants_gzip != _is_gzip(src):
            raise _Problem(
                "expected a gzip-compressed file" if wants_gzip else "expected an uncompressed file"
            )
        columns = file_header(src) if _is_tabular(f.path) else []
        if _is_tabular(f.path) and f.columns:
            problem = _column_problem(columns, f.columns)
            if problem:
                if force and not strict:
                    warnings.append(problem)
                else:
                    raise _Problem(problem + ("" if strict else " (use --force to import anyway)"))
        digest = sha256_file(src)
        if f.sha256 and digest != f.sha256:
            problem = f"checksum mismatch: got {digest[:16]}..., registry has {f.sha256[:16]}..."
            if strict:
                raise _Problem(
                    problem + f"; only the registry's development split of '{name}' is accepted"
                )
            if not force:
                raise _Problem(problem + " (use --force to import anyway)")
            warnings.append(problem)
    except _Problem as e:
        raise _fail(name, where, e) from None
    dest = registry.cached_path(f.path)
    if dest.exists() and dest.resolve() == src.resolve():
        return dest
    ledger = _load_ledger()
    staging = _Staging()
    try:
        tmp = staging.temp(dest.parent, dest.name)
        shutil.copyfile(src, tmp)
        if sha256_file(tmp) != digest:
            raise _fail(name, where, "the file changed while it was being copied")
        os.replace(tmp, dest)
        ledger[f.path] = {
            "source": "import",
            "from": str(src.resolve()),
            "sha256": digest,
            "columns": columns,
            "forced": bool(warnings),
            "recorded": _today(),
        }
        _save_ledger(ledger)
    except BaseException:
        staging.cleanup()
        raise
    staging.cleanup(keep_dirs=True)
    for w in warnings:
        _note(f"{name}: warning: {f.path}: {w} (imported anyway because of --force)")
    return dest


# --------------------------------------------------------------------------- verify


def _check_file(
    f: DataFile, where: str, path: Path, ledger: dict[str, dict[str, Any]]
) -> tuple[str, str]:
    """(status, detail) of one present file."""
    try:
        digest = sha256_file(path)
        columns = file_header(path) if _is_tabular(f.path) else []
    except (OSError, _Problem) as e:
        return "checksum mismatch", f"unreadable ({_one_line(e)})"
    rec = ledger.get(f.path) if where == "cache" else None
    official = rec is not None and rec.get("source") == "fetch" and digest != f.sha256
    if official:
        assert rec is not None
        expected = f.fetch_sha256 or rec.get("sha256")
        origin = "the registry" if f.fetch_sha256 else f"the download of {rec.get('recorded')}"
        if expected and digest != expected:
            return "checksum mismatch", f"SHA-256 {digest[:16]}... differs from {origin}"
        if rec.get("columns") and columns != rec["columns"]:
            return "columns differ", "header changed since the download"
        return "ok", f"official release from {rec.get('url')} (checksum of {origin})"
    if f.sha256 and digest != f.sha256:
        detail = f"SHA-256 {digest[:16]}..., registry {f.sha256[:16]}..."
        if rec is not None and rec.get("forced"):
            detail += " (imported with --force)"
        return "checksum mismatch", detail
    if _is_tabular(f.path) and f.columns:
        problem = _column_problem(columns, f.columns)
        if problem:
            return "columns differ", problem.removeprefix("columns differ: ")
    return "ok", "matches the registry" if f.sha256 else "no checksum in the registry"


def _iter_files() -> Iterator[tuple[Dataset, DataFile]]:
    for ds in registry.datasets().values():
        for f in ds.files:
            yield ds, f


def verify(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    checks: list[VerifyCheck] | None = None,
) -> dict[str, Any]:
    """Check every registry file in the data directory or the cache.

    Returns ``{"datasets": [{"name", "files": [{"path", "where", "status", "detail"}]}],
    "ok": bool}``: ``where`` is ``data dir``, ``cache`` or ``missing``; ``status`` is
    ``ok``, ``missing`` (not an error), ``checksum mismatch`` or ``columns differ``. Each
    extra check (default :data:`VERIFY_CHECKS`) adds its result under its ``"name"``;
    ``ok`` is false if any present file or any check fails.
    """
    root = registry._data_dir(data_dir)
    ledger = _load_ledger()
    out: dict[str, list[dict[str, str]]] = {}
    ok = True
    for ds, f in _iter_files():
        if root is not None and (root / f.path).exists():
            where, path = "data dir", root / f.path
        elif registry.cached_path(f.path).exists():
            where, path = "cache", registry.cached_path(f.path)
        else:
            where, path = "missing", None
        if path is None:
            status, detail = "missing", "not in the data directory or the cache"
        else:
            status, detail = _check_file(f, where, path, ledger)
        ok = ok and status not in BAD_STATUSES
        out.setdefault(ds.name, []).append(
            {"path": f.path, "where": where, "status": status, "detail": detail}
        )
    payload: dict[str, Any] = {
        "datasets": [{"name": n, "files": files} for n, files in out.items()],
        "ok": ok,
    }
    for check in VERIFY_CHECKS if checks is None else checks:
        try:
            result = check(root)
        except CollsecError as e:
            result = {"name": getattr(check, "__name__", "check"), "ok": False, "error": str(e)}
        payload[str(result.get("name", getattr(check, "__name__", "check")))] = result
        ok = ok and bool(result.get("ok", False))
    payload["ok"] = ok
    return payload


@register_verify_check
def crosswalk(root: Path | None) -> dict[str, Any]:
    """Every UNGA voter-year and ideal-point row maps to a COW state (see collsec.data.crosswalk_check)."""
    # lazy: pandas only when `collsec data verify` runs (the CLI imports this module for --help)
    from collsec.data.crosswalk_check import crosswalk_check

    needed = ("unga_votes", "unga_ideal_points", "cow_states")
    if any(name not in registry.datasets() for name in needed):
        return {"name": "crosswalk", "ok": True, "skipped": "datasets not in this registry"}
    try:
        result = crosswalk_check(root)
    except DataMissingError as e:
        return {"name": "crosswalk", "ok": True, "skipped": str(e)}
    return {
        "name": "crosswalk",
        "ok": not result["unexplained"],
        "checked": result["checked"],
        "explained": len(result["unmapped"]) - len(result["unexplained"]),
        "unexplained": result["unexplained"],
    }
