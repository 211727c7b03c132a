"""Locate the read-only data directory.

collsec reads datasets from a *data directory*: ``--data-dir`` on the command
line, else the ``COLLSEC_DATA_DIR`` environment variable. The directory is
never written to. The tests point it at ``../shared/data``.
"""

from __future__ import annotations

import os
from pathlib import Path

from collsec.errors import DataMissingError, InputError

__all__ = ["data_dir", "dataset_path"]

ENV_VAR = "COLLSEC_DATA_DIR"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the data directory: ``explicit`` if given, else ``$COLLSEC_DATA_DIR``.

    Raises
    ------
    InputError
        If neither is set or the directory does not exist.
    """
    raw = explicit if explicit is not None else os.environ.get(ENV_VAR)
    if not raw:
        raise InputError(
            f"no data directory: pass --data-dir DIR or set {ENV_VAR}",
            source="data directory",
        )
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise InputError("directory does not exist", source=str(path), field="data directory")
    return path


def dataset_path(
    relative: str, *, dataset: str, explicit: str | os.PathLike[str] | None = None
) -> Path:
    """Path of ``relative`` inside the data directory, or a one-line error naming the dataset."""
    path = data_dir(explicit) / relative
    if not path.exists():
        raise DataMissingError(
            dataset,
            str(path),
            "obtain it from its official source (see `collsec data info` once the registry "
            "lands) or point --data-dir / COLLSEC_DATA_DIR at a mirror that has it",
        )
    return path
