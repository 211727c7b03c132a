"""The Mesa model (optional extra) against the kernel and the reference."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from collsec.behavior import Parameters, get_policy
from collsec.crisis import Scenario, Stage, draw_noise, run_batch, run_reference
from collsec.crisis.kernel import LEVELS, RESPONDERS
from collsec.crisis.run import simulate
from collsec.crisis.threats import KINDS
from collsec.crisis.voting import CODES
from collsec.world import World

# Mesa deprecates with FutureWarning (for users) and DeprecationWarning: a call that
# Mesa 4 removes fails here, not in a user's upgrade
pytestmark = [
    pytest.mark.filterwarnings("error::FutureWarning"),
    pytest.mark.filterwarnings("error::DeprecationWarning"),
]


@pytest.fixture
def mm():
    """The module collsec.crisis.mesa_model (skip without Mesa)."""
    pytest.importorskip("mesa")
    from collsec.crisis import mesa_model

    return mesa_model


DRAFTS = ("none", "hidden_veto", "hidden_shortfall", "tabled")  # kernel.DRAFT_* codes


def _label(names: tuple[str, ...], i: int) -> str | None:
    return names[i] if i >= 0 else None


def _votes(row: np.ndarray, states: range | np.ndarray) -> dict:
    return {
        int(i): (CODES[int(v)].value if v >= 0 else None) for i, v in zip(states, row, strict=True)
    }


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows of a frame, missing values (None in the model, NaN in pandas) as None."""
    return [
        {k: (None if pd.isna(v) else v) for k, v in row.items()} for row in df.to_dict("records")
    ]


def _agent_frame(model) -> dict:
    """{(crisis, state index): row} from the DataCollector's agent frame."""
    df = model.datacollector.get_agent_vars_dataframe()
    index_of = {a.unique_id: a.index for a in model.agents}
    out = {}
    for (step, uid), row in zip(df.index, _records(df), strict=True):
        out[(model.start + int(step) - 1, index_of[uid])] = row
    return out


def _check_against_kernel(model, stage: Stage, r, ref) -> dict[str, int]:
    """Crisis by crisis: the Mesa model's frames and crises equal the kernel's arrays
    (``r``) and the reference's crises (``ref``)."""
    crises = _records(model.datacollector.get_model_vars_dataframe())
    agents = _agent_frame(model)
    n, seats = stage.n, [int(i) for i in stage.seats]
    counts = {"crises": 0, "votes": 0, "vetoes": 0, "adopted": 0}
    assert len(crises) == len(model.history) == len(ref) == len(r.kind)
    for k, (row, c, want) in enumerate(zip(crises, model.history, ref, strict=True)):
        assert row["crisis"] == model.start + k
        # the decisions, from the DataCollector, against the kernel
        got = {key: row[key] for key in row if key != "credibility"}
        expected = {
            "crisis": model.start + k,
            "kind": KINDS[int(r.kind[k])],
            "aggressor": stage.codes[int(r.aggressor[k])],
            "target": stage.codes[int(r.target[k])],
            "severity": float(r.severity[k]),
            "attacked": bool(r.attacked[k]),
            "art5": bool(r.art5[k]),
            "nac_adopted": bool(r.nac_adopted[k]),
            "regional_adopted": bool(r.regional_adopted[k]),
            "draft": DRAFTS[int(r.draft[k])],
            "draft_level": _label(LEVELS, int(r.draft_level[k])),
            "council_adopted": bool(r.council_adopted[k]),
            "council_vetoed": bool(r.council_vetoed[k]),
            "ga_adopted": bool(r.ga_adopted[k]),
            "decided": RESPONDERS[int(r.responder[k])] in ("nato", "regional", "council", "ga"),
            "responder": RESPONDERS[int(r.responder[k])],
            "level": _label(LEVELS, int(r.level[k])),
            "forums": want.forums,
            "time_to_decision": float(r.time_to_decision[k]),
            "strength": want.strength,
            "p_success": float(r.p_success[k]),
            "success": bool(r.success[k]),
            "fought": bool(r.fought[k]),
        }
        assert got == expected, k
        # the votes, state by state, from the DataCollector
        council = np.full(n, -1)
        council[seats] = r.council_votes[k]
        for forum, arr in (
            ("nac_vote", r.nac_votes[k]),
            ("regional_vote", r.regional_votes[k]),
            ("ga_vote", r.ga_votes[k]),
            ("council_vote", council),
        ):
            kernel = _votes(arr, range(n))
            mesa_votes = {i: agents[(model.start + k, i)][forum] for i in range(n)}
            assert mesa_votes == kernel, (k, forum)
            counts["votes"] += sum(v is not None for v in kernel.values())
        contributions = [agents[(model.start + k, i)]["contribution"] for i in range(n)]
        if want.attacked:
            assert contributions == r.contributions[k].tolist()
        # the Mesa model's crisis objects equal the reference's, field by field
        assert _fields(c) == _fields(want), k
        counts["crises"] += 1
        counts["vetoes"] += int(want.council_vetoed)
        counts["adopted"] += int(want.council_adopted)
    return counts


def _fields(c) -> dict:
    return {key: value for key, value in vars(c).items() if key != "stage"}


@pytest.mark.parametrize(
    ("policy", "scenario", "seed"),
    [
        ("utility", Scenario(), 5),
        # a seed whose 300 crises include Council vetoes and adoptions under the realist
        # policy with regional bodies first (most crises end before the Council)
        ("realist", Scenario(regional_first=True, intelligence_sharing=True), 10),
    ],
)
def test_mesa_model_equals_kernel_and_reference_vote_for_vote(mm, policy, scenario, seed):
    stage = Stage.build(World.synthetic(60, seed=3), scenario=scenario)
    pol = get_policy(policy, stage.params)
    noise = draw_noise(seed, 0, 300, stage.n, stage.m)
    r = run_batch(stage, pol, noise, 0.4)
    ref = run_reference(stage, pol, noise, 0.4)
    model = mm.CrisisModel(stage, pol, seed=seed, noise=noise, credibility=0.4, feedback=False)
    model.run_model()
    assert model.steps == 300 and not model.running and len(model.agents) == 60
    assert (model.datacollector.get_model_vars_dataframe()["credibility"] == 0.4).all()
    counts = _check_against_kernel(model, stage, r, ref)
    assert counts["crises"] == 300
    assert counts["votes"] > 2_500  # enough ballots compared for the test to mean something
    assert counts["vetoes"] > 0 and counts["adopted"] > 0
    if scenario.regional_first:
        assert any(c.regional_votes for c in model.history)


def test_mesa_model_runs_the_crises_of_simulate(mm):
    """With credibility feedback, the model's own noise and windows equal simulate's."""
    params = Parameters.default().replace(credibility_window=50)
    stage = Stage.build(World.synthetic(60, seed=8), params)
    pol = get_policy("utility", params)
    batches = []
    result = simulate(stage, pol, crises=260, seed=4, chunk=70, on_batch=batches.append)
    model = mm.CrisisModel(stage, pol, seed=4, crises=260)
    model.run_model()
    assert model.steps == 260
    assert model.credibility == result["credibility"] != params.credibility_start
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["credibility"].nunique() > 1
    keys = ("responder", "level", "success", "attacked")
    got = [tuple(row[key] for key in keys) for row in _records(frame)]
    want = [
        (
            RESPONDERS[int(b.responder[j])],
            _label(LEVELS, int(b.level[j])),
            bool(b.success[j]),
            bool(b.attacked[j]),
        )
        for b in batches
        for j in range(len(b.kind))
    ]
    assert got == want


def test_same_seed_same_frames(mm):
    world = World.synthetic(60, seed=2)

    def frames(seed: int):
        model = mm.CrisisModel(world, seed=seed, crises=220)
        model.run_model()
        dc = model.datacollector
        return dc.get_model_vars_dataframe(), dc.get_agent_vars_dataframe()

    a, b, c = frames(7), frames(7), frames(8)
    for x, y in zip(a, b, strict=True):
        assert x.shape[0] > 0
        assert x.equals(y)
    assert not a[0].equals(c[0])
    assert a[1].shape == (220 * 60, len(mm.AGENT_COLUMNS))


def test_seed_seeds_mesa_through_rng(mm):
    """``seed`` (or Mesa's name for it, ``rng``) seeds the crises and Mesa's generators
    as ``mesa.Model(rng=seed)`` does; the default is 1."""
    import mesa

    from collsec.errors import InputError

    world = World.synthetic(30, seed=1)

    def run(**kw):
        model = mm.CrisisModel(world, crises=15, **kw)
        draws = (model.random.random(), model.rng.random())  # before any step
        model.run_model()
        return model, draws, model.datacollector.get_model_vars_dataframe()

    a, draws_a, frame_a = run(seed=6)
    b, draws_b, frame_b = run(rng=6)
    c, draws_c, frame_c = run(seed=6, rng=6)
    plain = mesa.Model(rng=6)
    assert draws_a == draws_b == draws_c == (plain.random.random(), plain.rng.random())
    assert a.seed == b.seed == c.seed == 6
    assert frame_a.equals(frame_b) and frame_a.equals(frame_c)
    default, _, frame_1 = run()
    assert default.seed == 1 and frame_1.equals(run(seed=1)[2])
    assert not frame_1.equals(frame_a)
    with pytest.raises(InputError, match="rng"):
        mm.CrisisModel(world, seed=6, rng=7)


def test_mesa_model_is_built_with_rng_not_the_deprecated_seed(mm, monkeypatch):
    """``mesa.Model(seed=...)`` warns from Mesa 3.5 and is gone in Mesa 4."""
    import mesa

    calls = []
    init = mesa.Model.__init__

    def spy(self, *args, **kwargs):
        calls.append((args, kwargs))
        init(self, *args, **kwargs)

    monkeypatch.setattr(mesa.Model, "__init__", spy)
    mm.CrisisModel(World.synthetic(30, seed=1), seed=6, crises=1)
    mm.CrisisModel(World.synthetic(30, seed=1), rng=7, crises=1)
    assert calls == [((), {"rng": 6}), ((), {"rng": 7})]


def test_mesa_agents_are_a_view_of_the_states(mm):
    world = World.synthetic(30, seed=1)
    model = mm.CrisisModel(world, seed=1, crises=3)
    stage = model.stage
    assert [a.index for a in model.states] == list(range(30))
    for a in model.states:
        i = a.index
        assert (a.code, a.un, a.nato, a.region) == (
            stage.codes[i],
            bool(stage.un[i]),
            bool(stage.nato[i]),
            int(stage.region[i]),
        )
        assert a.cinc == float(stage.cinc[i])
        assert (a.seat is not None) == (i in set(stage.seats.tolist()))
    model.step()
    c = model.crisis
    roles = {a.index: a.role for a in model.states if a.role}
    assert set(roles) == {c.aggressor, c.target}


def test_mesa_model_input_errors(mm):
    from collsec.errors import InputError

    stage = Stage.build(World.synthetic(30, seed=1))
    with pytest.raises(InputError, match="noise"):
        mm.CrisisModel(stage, noise=draw_noise(1, 0, 5, 31, stage.m))
    with pytest.raises(InputError, match="holds 5"):
        mm.CrisisModel(stage, noise=draw_noise(1, 0, 5, stage.n, stage.m), crises=6)
    with pytest.raises(InputError, match="seed"):
        mm.CrisisModel(stage, seed=-1)
    with pytest.raises(InputError, match="policy"):
        mm.CrisisModel(stage, "no-such-policy")


def test_collsec_works_without_mesa():
    """Without Mesa: the package imports, and the Mesa module says how to get it."""
    code = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        sys.modules["mesa"] = None  # as if Mesa were not installed
        import collsec
        for info in pkgutil.walk_packages(collsec.__path__, "collsec."):
            if info.name != "collsec.crisis.mesa_model":
                importlib.import_module(info.name)
        from collsec.errors import InputError
        try:
            import collsec.crisis.mesa_model
        except ImportError as err:
            assert isinstance(err, InputError)
            print(err)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == [
        'collsec.crisis.mesa_model: Mesa is not installed; pip install "collsec[mesa]"'
    ]
