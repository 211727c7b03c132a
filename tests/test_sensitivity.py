"""Sobol output states how wide its intervals are and the samples that would narrow them."""

from __future__ import annotations

import json

import pytest

from collsec.experiments.sensitivity import TARGET_HALF_WIDTH, precision

SPEC = (
    'id = "s"\nseed = 1\nyears = 4\n[world]\nstates = 40\n[[designs]]\nid = "a"\n'
    "[sensitivity]\nparameters = { opportunity_scale = [0.2, 3.0], vote_noise = [0.1, 0.2] }\n"
    'metric = "aggression_attempted"\nsamples = 8\nreplications = 2\n'
)


@pytest.mark.parametrize(
    ("half", "samples", "need"),
    [
        (0.37, 32, 2048),  # the default 32 samples: 32 x 7.4^2 = 1752, up to a power of two
        (0.10, 64, 256),  # half the width takes four times the samples
        (0.05, 64, 64),  # there already
        (0.01, 64, 64),  # never fewer than were run
    ],
)
def test_samples_for_the_target(half, samples, need):
    q = precision(half, samples, 3)
    assert q["samples_for_target"] == need
    assert q["runs_for_target"] == need * 5
    assert q["target_half_width"] == TARGET_HALF_WIDTH == 0.05
    # intervals shrink as 1/sqrt(samples): the suggestion reaches the target
    assert half * (samples / need) ** 0.5 <= TARGET_HALF_WIDTH or need == samples


def test_no_suggestion_without_a_width():
    assert precision(float("nan"), 32, 3)["samples_for_target"] is None


def test_sensitivity_states_its_interval_width(run_cli, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SPEC)
    code, out, err = run_cli("sensitivity", str(path), "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    widest = max(max(v["S1_conf"], v["ST_conf"]) for v in r["parameters"].values())
    q = r["precision"]
    assert q["half_width"] == pytest.approx(widest, abs=1e-4) and widest > 0.05
    need = q["samples_for_target"]
    assert need & (need - 1) == 0 and need >= 8 * (widest / 0.05) ** 2
    assert q["runs_for_target"] == need * (2 + 2)
    code, out, err = run_cli("sensitivity", str(path))
    assert code == 0, err
    out = " ".join(out.split())  # the console wraps lines
    assert f"up to ±{widest:.2f} wide with 8 samples" in out
    assert f"About {need} samples ({need * 4} runs" in out
    assert f"under ±0.05: --samples {need}." in out
