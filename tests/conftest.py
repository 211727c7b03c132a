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


# -- the lab: a server in a thread and Debian's chromium -------------------------------

#: the browser the lab's tests drive: Debian's package (`apt-get install chromium`, done by
#: `make setup` when absent); nothing downloads a browser
CHROMIUM = os.environ.get("COLLSEC_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory):
    """The lab served on a free port of 127.0.0.1 from a fresh store; yields its base URL
    and the store's path (a restart test serves the same store again)."""
    from tests_lab_server import LabServer

    store = tmp_path_factory.mktemp("lab") / "lab.duckdb"
    srv = LabServer(store)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian's headless chromium through playwright; fails, never skips, when missing."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"no chromium at {CHROMIUM}: the lab's browser tests need Debian's package "
            "(`apt-get install chromium`; `make setup` installs it)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()
