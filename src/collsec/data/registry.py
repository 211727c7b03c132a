"""The dataset registry: what each dataset is, where it comes from, how to cite it.

Entries live in ``registry.toml`` beside this module, one ``[datasets.NAME]``
table each, with the official source and version, a citation and BibTeX, the
licence or terms, and the files the loaders read (relative path, expected
columns, SHA-256, official download address and format).

Files are found by :func:`locate`: first in the read-only *data directory*
(``--data-dir`` or ``$COLLSEC_DATA_DIR``), then in the cache
(``$COLLSEC_CACHE_DIR`` or the platform's user cache directory), where
``collsec data fetch`` and ``collsec data import`` put them.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

import platformdirs

from collsec.data.export import check_writable
from collsec.errors import DataMissingError, InputError

__all__ = [
    "DataFile",
    "Dataset",
    "cache_dir",
    "cache_failed",
    "cache_problem",
    "cached_path",
    "datasets",
    "find_file",
    "get_dataset",
    "locate",
    "writable_cache",
]

CACHE_ENV = "COLLSEC_CACHE_DIR"
DATA_ENV = "COLLSEC_DATA_DIR"


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset, as the loaders read it."""

    path: str
    columns: tuple[str, ...] = ()
    sha256: str | None = None
    url: str | None = None
    fetch_format: str = "same"
    note: str = ""
    #: SHA-256 of the official download after ``fetch_format``, where known (else the first
    #: download's checksum is recorded in the cache, see :mod:`collsec.data.fetch`).
    fetch_sha256: str | None = None


@dataclass(frozen=True)
class Dataset:
    """A registry entry."""

    name: str
    title: str
    version: str
    source: str
    citation: str
    bibtex: str
    license: str
    files: tuple[DataFile, ...] = field(default_factory=tuple)
    notes: str = ""
    #: When set, ``collsec data fetch`` refuses with this message and ``collsec data import``
    #: accepts only files whose checksum matches the registry (no ``--force``).
    fetch_refusal: str = ""

    def file(self, path: str | None = None) -> DataFile:
        """The file at ``path`` (default: the dataset's first file)."""
        if path is None:
            return self.files[0]
        for f in self.files:
            if f.path == path:
                return f
        raise InputError(f"dataset '{self.name}' has no file '{path}'", source="registry")


@cache
def datasets() -> dict[str, Dataset]:
    """All registry entries by name."""
    text = files("collsec.data").joinpath("registry.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text).get("datasets", {})
    out = {}
    for name, entry in raw.items():
        fs = tuple(
            DataFile(
                path=f["path"],
                columns=tuple(f.get("columns", ())),
                sha256=f.get("sha256"),
                url=f.get("url"),
                fetch_format=f.get("fetch_format", "same"),
                note=f.get("note", ""),
                fetch_sha256=f.get("fetch_sha256"),
            )
            for f in entry.get("files", [])
        )
        out[name] = Dataset(
            name=name,
            title=entry["title"],
            version=entry["version"],
            source=entry["source"],
            citation=entry["citation"],
            bibtex=entry["bibtex"].strip(),
            license=entry["license"],
            files=fs,
            notes=entry.get("notes", ""),
            fetch_refusal=entry.get("fetch_refusal", ""),
        )
    return out


def get_dataset(name: str) -> Dataset:
    """A registry entry by name; an unknown name is a one-line error listing the known ones."""
    reg = datasets()
    if name not in reg:
        raise InputError(
            f"unknown dataset '{name}' (known: {', '.join(sorted(reg))})", source="dataset"
        )
    return reg[name]


def cache_dir() -> Path:
    """Where collsec writes: ``$COLLSEC_CACHE_DIR`` or the platform's user cache directory."""
    raw = os.environ.get(CACHE_ENV)
    return Path(raw).expanduser() if raw else Path(platformdirs.user_cache_dir("collsec"))


#: the cache directory's state, per path: None (writable) or what is wrong
_CACHE_PROBLEMS: dict[str, str | None] = {}


def cache_problem() -> str | None:
    """Why collsec cannot write its cache directory (None: it can)."""
    root = cache_dir()
    key = str(root)
    if key not in _CACHE_PROBLEMS:
        try:
            root.mkdir(parents=True, exist_ok=True)
            check_writable(root)
            _CACHE_PROBLEMS[key] = None
        except OSError as err:
            _CACHE_PROBLEMS[key] = err.strerror or err.__class__.__name__
    return _CACHE_PROBLEMS[key]


def writable_cache() -> Path | None:
    """The cache directory if collsec can write there; else None, after one warning line.

    An unwritable cache (``COLLSEC_CACHE_DIR`` on a read-only disk, in a folder
    without permission, under a file) means running without a cache: the data
    are parsed again each time. The warning is printed once per process, by the
    main process only (not by its workers).
    """
    problem = cache_problem()
    if problem is None:
        return cache_dir()
    if str(cache_dir()) not in _CACHE_WARNED:
        _CACHE_WARNED.add(str(cache_dir()))
        if multiprocessing.parent_process() is None:
            print(
                f"collsec: warning: {cache_dir()}: the cache directory is not writable "
                f"({problem}); running without a cache (set {CACHE_ENV} elsewhere)",
                file=sys.stderr,
            )
    return None


def cache_failed(path: Path, err: OSError) -> None:
    """A cache file could not be written (a full disk...): say so once, then go without."""
    root = str(cache_dir())
    _CACHE_PROBLEMS[root] = err.strerror or err.__class__.__name__
    _CACHE_WARNED.discard(root)
    writable_cache()


_CACHE_WARNED: set[str] = set()


def _data_dir(explicit: str | os.PathLike[str] | None) -> Path | None:
    raw = explicit if explicit is not None else os.environ.get(DATA_ENV)
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise InputError("directory does not exist", source=str(path), field="data directory")
    return path


def cached_path(relative: str) -> Path:
    """Where the file ``relative`` (a registry path) lives in the cache."""
    return cache_dir() / "datasets" / relative


def _find(
    rel: str, data_dir: str | os.PathLike[str] | None
) -> tuple[str, Path | None, Path | None]:
    """``(where, path, root)`` of ``rel``: in the data directory, else the cache."""
    root = _data_dir(data_dir)
    if root is not None and (root / rel).exists():
        return "data dir", root / rel, root
    cached = cached_path(rel)
    if cached.exists():
        return "cache", cached, root
    return "missing", None, root


def find_file(
    name: str, path: str | None = None, *, data_dir: str | os.PathLike[str] | None = None
) -> tuple[str, Path | None]:
    """Where the file is right now: ``("data dir", p)``, ``("cache", p)`` or ``("missing", None)``."""
    where, found, _ = _find(get_dataset(name).file(path).path, data_dir)
    return where, found


def _missing(name: str, rel: str, root: Path | None) -> DataMissingError:
    return DataMissingError(
        name,
        str(root / rel) if root is not None else rel,
        f"run `collsec data fetch {name}`, or `collsec data import {name} FILE` for a copy you "
        "have, or point --data-dir / COLLSEC_DATA_DIR at a mirror",
    )


def locate(
    name: str, path: str | None = None, *, data_dir: str | os.PathLike[str] | None = None
) -> Path:
    """The file ``path`` of dataset ``name``: in the data directory, else in the cache.

    Raises
    ------
    DataMissingError
        If the file is in neither place; the message says how to obtain it.
    """
    rel = get_dataset(name).file(path).path
    _, found, root = _find(rel, data_dir)
    if found is None:
        raise _missing(name, rel, root)
    return found


def locate_folder(
    name: str, folder: str, *, data_dir: str | os.PathLike[str] | None = None
) -> Path:
    """The folder ``folder`` of dataset ``name`` (e.g. ``unsc/actions``), found like :func:`locate`."""
    get_dataset(name)
    _, found, root = _find(folder, data_dir)
    if found is None or not found.is_dir():
        raise _missing(name, folder, root)
    return found
