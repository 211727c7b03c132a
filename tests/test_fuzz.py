"""Fuzzing the charter loader and the ballot parser: bad input is an InputError, never a crash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collsec.codes.codes import resolve_member
from collsec.errors import InputError
from collsec.institutions import Ballot, load_body, load_charter

# no deadline and no "too slow" health check: timings are not facts on a busy machine
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = st.one_of(
    st.booleans(), st.integers(-5, 40), st.text(max_size=8),
    st.sampled_from(["2/3", "1/2", "0", "5/4", "x", "permanent", "unsc-1966", "population"]),
)  # fmt: skip
criterion = st.dictionaries(
    st.sampled_from(["type", "count", "fraction", "strict", "of", "weight", "among", "holders",
                     "blockers", "excuse", "min_yes", "bogus"]),
    st.one_of(scalars, st.sampled_from(["quota", "veto", "no_objection", "max_against",
                                        "abstention_cap", "members", "present"])),
    max_size=5,
)  # fmt: skip
rule = st.fixed_dictionaries(
    {},
    optional={
        "criteria": st.lists(criterion, max_size=3),
        "any_of": st.lists(st.lists(criterion, max_size=2), max_size=2),
        "parties": st.sampled_from(["vote", "excluded", "maybe"]),
    },
)
charter_doc = st.fixed_dictionaries(
    {"id": st.text(min_size=1, max_size=6)},
    optional={
        "extends": st.sampled_from(["unsc-1966", "unga", "nope", "x"]),
        "body": st.text(max_size=5),
        "valid_from": st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
        "members": st.fixed_dictionaries({}, optional={
            "table": st.sampled_from(["un.csv", "missing.csv"]),
            "size": st.integers(-1, 30),
            "fixed": st.lists(st.fixed_dictionaries({"member": st.text(max_size=4)}), max_size=3),
        }),
        "rules": st.dictionaries(st.sampled_from(["substantive", "procedural", "x"]), rule, max_size=2),
        "default_rule": st.sampled_from(["substantive", "procedural", "nope"]),
        "groups": st.dictionaries(st.sampled_from(["permanent", "g"]),
                                  st.fixed_dictionaries({"seat": st.lists(st.text(max_size=5), max_size=2)}),
                                  max_size=2),
    },
)  # fmt: skip


@SETTINGS
@given(doc=charter_doc)
def test_charter_loader_never_crashes(tmp_path: Path, doc: dict) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_text(tomli_w.dumps(doc))
    try:
        charter = load_charter(str(path))
        load_body(str(path), on=dt.date(2000, 1, 1))
    except InputError as err:
        assert "\n" not in str(err)
    else:
        assert charter.rules


@SETTINGS
@given(text=st.text(max_size=200))
def test_charter_loader_on_arbitrary_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "junk.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_charter(str(path))
    except InputError as err:
        assert str(err).startswith(str(path))


tokens = st.lists(
    st.one_of(st.text(max_size=6), st.sampled_from(["USA", "RUS", "cow:365", "cow:RUS", "cow:", "cow:x",
                                                     "ROC", "SUN", "chn", " GBR ", "E01"])),
    max_size=6,
)  # fmt: skip


@SETTINGS
@given(yes=tokens, no=tokens, abstain=tokens, year=st.integers(1946, 2026))
def test_ballot_parser_never_crashes(
    yes: list[str], no: list[str], abstain: list[str], year: int
) -> None:
    on = dt.date(year, 7, 1)
    council = load_body("unsc", on=on)
    try:
        ballot = Ballot.from_lists(
            yes=[resolve_member(t, on, source="--yes") for t in yes],
            no=[resolve_member(t, on, source="--no") for t in no],
            abstain=[resolve_member(t, on, source="--abstain") for t in abstain],
        )
        d = council.adjudicate(ballot)
    except InputError as err:
        assert "\n" not in str(err)
    else:
        assert d.adopted == (len(d.yes) >= d.required and not d.vetoed_by)
