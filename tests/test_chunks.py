"""The cut of an experiment into chunks (``collsec.experiments.chunks``) and resuming
under another cut."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from collsec.experiments import chunks
from collsec.experiments.spec import load_experiment
from collsec.experiments.store import Store


@pytest.mark.parametrize(
    ("reps", "workers", "sizes"),
    [
        (200, 1, [25] * 8),
        (200, 2, [25] * 7 + [13, 6, 6]),
        (100, 2, [25, 25, 25, 13, 6, 6]),
        (60, 2, [25, 18, 9, 8]),
        (3, 2, [3]),
    ],
)
def test_chunks_shrink_towards_the_end(reps, workers, sizes):
    cut = chunks.plan([(0, reps)], workers, 25)
    assert [hi - lo for lo, hi in cut] == sizes
    assert cut[0][0] == 0 and cut[-1][1] == reps
    assert all(a[1] == b[0] for a, b in itertools.pairwise(cut))


@pytest.mark.parametrize("workers", [1, 2, 3, 8, 64])
@pytest.mark.parametrize("biggest", [1, 7, 50])
def test_a_plan_covers_what_is_left_once(workers, biggest):
    done = [(0, 13), (40, 41), (90, 120), (150, 151)]
    left = chunks.todo(151, done)
    assert left == [(13, 40), (41, 90), (120, 150)]
    cut = chunks.plan(left, workers, biggest)
    reps = [r for lo, hi in cut for r in range(lo, hi)]
    assert reps == [r for lo, hi in left for r in range(lo, hi)]  # each once, in order
    assert all(hi - lo <= biggest for lo, hi in cut)


def test_the_largest_chunk_fits_the_memory_bound(monkeypatch):
    assert chunks.largest(193, 64) == chunks.MAX_CHUNK
    monkeypatch.setenv("COLLSEC_MAX_MEMORY", "400M")
    small = chunks.largest(1000, 64)
    assert 1 <= small < chunks.MAX_CHUNK


def _results(db) -> pd.DataFrame:
    with Store(db, read_only=True) as s:
        return s.results(s.runs()["run_key"].iloc[-1])


def test_a_run_stopped_under_one_cut_resumes_under_another(tmp_path, monkeypatch):
    """Stopped after two chunks of 7 (one worker); resumed with two workers and chunks of
    up to 25: every replication once, the numbers of an uninterrupted run."""
    from collsec.experiments.runner import run_experiment

    exp = load_experiment("veto-variants").with_overrides(replications=40, years=4)
    db = tmp_path / "stopped.duckdb"

    class Stop(Exception):
        pass

    def stop_after_two(done: int, total: int) -> None:
        if done >= 14:
            raise Stop

    monkeypatch.setattr(chunks, "MAX_CHUNK", 7)
    with pytest.raises(Stop):
        run_experiment(exp, db, progress=stop_after_two)
    with Store(db, read_only=True) as s:
        assert s.done_ranges(s.runs()["run_key"].iloc[-1]) == [(0, 7), (7, 14)]
    monkeypatch.setattr(chunks, "MAX_CHUNK", 25)
    seen: list[int] = []
    run_experiment(exp, db, workers=2, resume=True, progress=lambda d, t: seen.append(d))
    assert seen[0] == 14 and seen[-1] == 40
    with Store(db, read_only=True) as s:
        key = s.runs()["run_key"].iloc[-1]
        assert s.done_ranges(key)[:2] == [(0, 7), (7, 14)]
        assert chunks.todo(40, s.done_ranges(key)) == []
    run_experiment(exp, tmp_path / "whole.duckdb", workers=1)
    a, b = _results(db), _results(tmp_path / "whole.duckdb")
    assert not a.duplicated(["design", "rep", "metric"]).any()
    pd.testing.assert_frame_equal(a, b)
