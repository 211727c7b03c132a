"""Recalibrate and ship: run `collsec calibrate` into a scratch folder, then copy its two
files where the package reads them (src/collsec/behavior/calibrated.toml and
src/collsec/backtest/calibration.toml).

    COLLSEC_DATA_DIR=../shared/data .venv/bin/python tools/update_calibration.py

Calibration itself writes only into the folder it is given; this maintainer's tool is
the one step that changes the package's shipped files.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from collsec.cli.main import main

ROOT = Path(__file__).resolve().parents[1] / "src" / "collsec"
TARGETS = {"calibrated.toml": ROOT / "behavior", "calibration.toml": ROOT / "backtest"}


def run() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        code = main(["calibrate", "--out-dir", tmp, *sys.argv[1:]])
        if code != 0:
            return code
        for name, folder in TARGETS.items():
            shutil.copyfile(Path(tmp) / name, folder / name)
            print(f"shipped {folder / name}")
    return 0


if __name__ == "__main__":
    sys.exit(run())
