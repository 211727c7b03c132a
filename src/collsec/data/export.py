"""Writing tables for users: Parquet or CSV by suffix, atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from collsec.errors import InputError

if TYPE_CHECKING:  # pandas is not imported to write a table: the CLI imports this module
    import pandas as pd

__all__ = [
    "EXPORT_SUFFIXES",
    "atomic_write_text",
    "check_export_path",
    "check_output_path",
    "check_writable",
    "export_suffix",
    "write_table",
]

EXPORT_SUFFIXES = (".parquet", ".csv")


def _suffix(path: Path, suffixes: tuple[str, ...], kind: str, field: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise InputError(
            f"unknown {kind} format {path.suffix or '(none)'!r}: use {' or '.join(suffixes)}",
            source=str(path),
            field=field,
        )
    return suffix


def export_suffix(path: Path) -> str:
    """``.parquet`` or ``.csv``; anything else is a one-line error."""
    return _suffix(path, EXPORT_SUFFIXES, "export", "--export")


def check_output_path(
    path: str | os.PathLike[str],
    suffixes: tuple[str, ...] | None = EXPORT_SUFFIXES,
    *,
    kind: str = "export",
    field: str = "--export",
) -> Path:
    """Validate an output file before any work is done: its suffix (one of ``suffixes``;
    None: any), a file and not a folder, in a folder that exists and takes new files.

    A folder that exists but takes no file (no permission, a read-only or full disk)
    raises :class:`OSError` naming it, which the command line prints as one line.
    """
    target = Path(path)
    if suffixes is not None:
        _suffix(target, suffixes, kind, field)
    if target.is_dir() or str(path).endswith(("/", os.sep)):
        raise InputError("is a folder, not a file", source=str(path), field=field)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InputError("output directory does not exist", source=str(parent), field=field)
    check_writable(parent)
    return target


def check_writable(folder: str | os.PathLike[str]) -> Path:
    """``folder`` if a file can be created in it; else the :class:`OSError`, naming it."""
    where = Path(folder)
    try:
        fd, name = tempfile.mkstemp(prefix=".collsec-", suffix=".tmp", dir=where)
    except OSError as err:
        raise OSError(err.errno, err.strerror, str(where)) from None
    os.close(fd)
    os.unlink(name)
    return where


def check_export_path(path: str | os.PathLike[str]) -> Path:
    """Validate an export target (suffix, existing directory) before any work is done."""
    return check_output_path(path, EXPORT_SUFFIXES)


def write_table(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` to ``path`` as Parquet or CSV (by suffix), atomically.

    The table goes to a temporary file in the same directory and is moved into
    place with :func:`os.replace`, so ``path`` is either the complete new file
    or untouched, and nothing is left behind on failure. In CSV, list columns
    are written as ``;``-separated values.
    """
    target = check_export_path(path)
    suffix = export_suffix(target)

    def write(tmp: Path) -> None:
        out = df.copy()
        out.attrs = {}
        if suffix == ".parquet":
            out.to_parquet(tmp, index=False)
        else:
            for col in out.columns:
                if out[col].dtype == object and out[col].map(lambda x: isinstance(x, list)).any():
                    out[col] = out[col].map(lambda x: ";".join(x) if isinstance(x, list) else x)
            out.to_csv(tmp, index=False)

    _atomic(target, write)
    return target


def _atomic(target: Path, write) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``target``, then move it into place."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file normal permissions
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` whole or not at all (temporary file, then rename)."""
    target = Path(path)
    _atomic(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return target


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all (temporary file, then rename)."""
    target = Path(path)
    _atomic(target, lambda tmp: tmp.write_bytes(data))
    return target
