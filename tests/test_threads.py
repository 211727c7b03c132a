"""Threads share a batch of crises: the same bits on any number, and a fork survives them."""

from __future__ import annotations

import json
import multiprocessing
import threading

import numpy as np
import pytest

from collsec.behavior import get_policy
from collsec.crisis import _fused
from collsec.crisis.kernel import run_batch
from collsec.crisis.noise import draw_noise
from collsec.crisis.scenario import Scenario
from collsec.crisis.stage import Stage
from collsec.world import World


def _batch(stage: Stage, policy: str, threads: int, seed: int = 5, n: int = 600):
    noise = draw_noise(seed, 0, n, stage.n, stage.m)
    return run_batch(stage, get_policy(policy), noise, 0.6, threads=threads)


@pytest.mark.parametrize(
    ("policy", "scenario"),
    [
        ("utility", Scenario()),
        ("norm", Scenario(regional_first=True, uniting_for_peace=True)),
    ],
)
def test_the_same_bits_on_any_number_of_threads(monkeypatch, policy, scenario) -> None:
    """Every loop split into parts (one row a part at the least): every field equal."""
    monkeypatch.setattr(_fused, "MIN_CELLS", 1)
    stage = Stage.build(World.synthetic(60, seed=8), scenario=scenario)
    one = _batch(stage, policy, 1)
    assert (one.responder > 0).any() and (one.contributions > 0).any()
    for threads in (2, 3, 7):
        many = _batch(stage, policy, threads)
        for name, value in vars(one).items():
            if isinstance(value, np.ndarray):
                assert np.array_equal(getattr(many, name), value), (threads, name)


def test_across_gives_every_row_to_one_part() -> None:
    """Parts are consecutive, cover the rows once, and run in more than one thread;
    small work stays in the calling thread, in one part."""
    seen: list[tuple[int, int, int]] = []
    lock = threading.Lock()

    def call(lo: int, hi: int) -> None:
        with lock:
            seen.append((lo, hi, threading.get_ident()))

    _fused.across(3, 10, _fused.MIN_CELLS, call)
    parts = sorted((lo, hi) for lo, hi, _ in seen)
    assert parts == [(0, 3), (3, 6), (6, 10)]
    assert len({ident for *_, ident in seen}) > 1
    seen.clear()
    _fused.across(3, 10, _fused.MIN_CELLS // 10 - 1, call)
    assert seen == [(0, 10, threading.get_ident())]
    seen.clear()
    _fused.across(8, 2, _fused.MIN_CELLS, call)  # never more parts than rows
    assert sorted((lo, hi) for lo, hi, _ in seen) == [(0, 1), (1, 2)]


def _in_child(_: int) -> list[int]:
    stage = Stage.build(World.synthetic(60, seed=8))
    return _batch(stage, "utility", 2).responder.tolist()


def test_a_forked_worker_runs_threads_after_its_parent(monkeypatch) -> None:
    """The parent's pool does not outlive a fork: a worker forked after the parent ran
    threads makes its own and gets the parent's results (numba's OpenMP threads died
    here)."""
    monkeypatch.setattr(_fused, "MIN_CELLS", 1)  # the forked worker inherits it
    stage = Stage.build(World.synthetic(60, seed=8))
    parent = _batch(stage, "utility", 2).responder.tolist()
    assert _fused._pools  # the parent's pool exists
    with multiprocessing.get_context("fork").Pool(1) as pool:
        child = pool.apply_async(_in_child, (0,)).get(timeout=300)
    assert child == parent


def test_simulate_threads_change_no_number(run_cli) -> None:
    args = "simulate --world synthetic --states 40 --crises 3000 --seed 4 --format json"
    runs = [json.loads(run_cli(*f"{args} --threads {k}".split())[1]) for k in (1, 2)]
    assert [r.pop("threads") for r in runs] == [1, 2]
    for r in runs:
        r.pop("seconds")
    assert runs[0] == runs[1]
    assert runs[0]["metrics"]["aggression_attempted"] > 0
