"""Experiments on a Ray cluster (``--backend ray --ray-address``): a local cluster
started by the test with ``ray start``, as a user starts one on each machine
(docs/experiments.md). Slow (the cluster takes seconds to start): `make validate`."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from collsec.experiments.store import Store

RAY = shutil.which("ray") or str(Path(sys.executable).with_name("ray"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _results(db: Path) -> pd.DataFrame:
    with Store(db, read_only=True) as s:
        return s.results(s.runs()["run_key"].iloc[-1])


@pytest.fixture
def ray_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A one-machine Ray cluster: `ray start --head`, stopped (with its workers) after.

    Ray authenticates with a token shared by the cluster and its drivers (token
    authentication is Ray's default for local clusters since 2.59): the test gives
    both the same one, as docs/experiments.md tells a user to on several machines."""
    port = _free_port()
    monkeypatch.setenv("RAY_AUTH_MODE", "token")
    monkeypatch.setenv("RAY_AUTH_TOKEN", secrets.token_hex(32))
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    env = dict(os.environ)
    start = [RAY, "start", "--head", f"--port={port}", "--num-cpus=2"]
    start += ["--include-dashboard=false", "--disable-usage-stats", "--node-ip-address=127.0.0.1"]
    done = subprocess.run(start, env=env, capture_output=True, text=True, timeout=180)
    try:
        assert done.returncode == 0, done.stderr[-2000:]
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([RAY, "stop", "--force"], env=env, capture_output=True, timeout=180)


@pytest.mark.validate
def test_an_experiment_on_a_ray_cluster_gives_the_local_numbers(ray_cluster, tmp_path, run_cli):
    """The same seed, the same numbers: on the cluster (tasks sent to its workers) and in
    one local process; and a run interrupted on the cluster is finished locally."""
    args = ["experiment", "veto-variants", "--replications", "60", "--years", "4"]
    code, _, err = run_cli(*args, "--db", str(tmp_path / "local.duckdb"))
    assert code == 0, err
    code, _, err = run_cli(
        *args,
        "--backend",
        "ray",
        "--ray-address",
        ray_cluster,
        "--db",
        str(tmp_path / "ray.duckdb"),
    )
    assert code == 0, err
    pd.testing.assert_frame_equal(
        _results(tmp_path / "local.duckdb"), _results(tmp_path / "ray.duckdb")
    )


@pytest.mark.parametrize("address", ["127.0.0.1:{port}", "ray://127.0.0.1:{port}", "nohost", "h:0"])
def test_a_cluster_that_is_not_there_is_one_line(tmp_path, run_cli, address) -> None:
    """Refused at once (``ray.init`` would keep trying for minutes), nothing written."""
    args = ["experiment", "veto-variants", "--replications", "10", "--years", "2"]
    code, out, err = run_cli(
        *args,
        "--backend",
        "ray",
        "--ray-address",
        address.format(port=_free_port()),
        "--db",
        str(tmp_path / "x.duckdb"),
    )
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "--ray-address" in err
    assert not (tmp_path / "x.duckdb").exists()
