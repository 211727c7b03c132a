"""Test configuration: point the data directory at the shared mirrors when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

if "COLLSEC_DATA_DIR" not in os.environ and SHARED.is_dir():
    os.environ["COLLSEC_DATA_DIR"] = str(SHARED)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("COLLSEC_DATA_DIR"):
        return
    skip = pytest.mark.skip(reason="no data directory (set COLLSEC_DATA_DIR)")
    for item in items:
        if "data" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    from collsec.cli.main import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
