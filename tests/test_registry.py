"""The dataset registry: entries, citations, checksums against the mirror, CLI contracts."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from collsec.data import fetch as fetching
from collsec.data import registry

EXPECTED = {
    "cow_states": ["cow/states.csv"],
    "cow_majors": ["cow/majors.csv"],
    "cow_nmc": ["cow/nmc.csv"],
    "cow_mid": ["cow/mid_disputes.csv", "cow/mid_dir_dyad_disputes.csv"],
    "cow_wars": ["cow/war_inter.csv"],
    "cow_contiguity": ["cow/contiguity.csv"],
    "cow_mindist": ["cow/mindist.csv.gz"],
    "cow_capitals": ["cow/capitals.csv"],
    "cow_igo": ["cow/igo_state_year.csv"],
    "cow_codes": ["cow/country_codes.csv"],
    "atop": ["atop/dyad_year.csv.gz"],
    "ucdp_acd": ["ucdp/armed_conflict.csv"],
    "unga_votes": ["unga/votes.csv.gz", "unga/roll_calls.csv", "unga/roll_call_issues.csv"],
    "unga_ideal_points": ["unga/ideal_points.csv"],
    "unsc_vetoes": ["unsc/vetoes_1946_2022.csv"],
    "icb": ["icb/crises_dev.csv", "icb/actors_dev.csv"],
    "ties": ["sanctions/ties_v4_1.csv"],
    "gsdb": ["sanctions/gsdb_v3.csv"],
    "un_missions": ["peacekeeping/un_missions.csv"],
    "ipi_peacekeeping": [
        "peacekeeping/ipi_mission_month.csv",
        "peacekeeping/ipi_contributions_country_month.csv",
    ],
}

#: Mirror files that are documentation, not data.
NOT_DATA = {"README.md", "icb/CODEBOOK.md"}


def data_root() -> Path:
    return Path(os.environ[registry.DATA_ENV])


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(registry.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_expected_datasets_and_files() -> None:
    reg = registry.datasets()
    assert set(reg) == set(EXPECTED) | {"unsc_actions"}
    for name, paths in EXPECTED.items():
        assert [f.path for f in reg[name].files] == paths, name
    actions = [f.path for f in reg["unsc_actions"].files]
    assert all(re.fullmatch(r"unsc/actions/scact[\w]+_table_en\.html", p) for p in actions)
    assert "unsc/actions/scact_veto_table_en.html" in actions
    assert "unsc/actions/scact2020_covid_table_en.html" in actions
    assert {f"unsc/actions/scact{y}_table_en.html" for y in range(1946, 2023)} <= set(actions)


def test_entries_are_complete() -> None:
    for ds in registry.datasets().values():
        for key in ("title", "version", "source", "citation", "bibtex", "license", "notes"):
            assert getattr(ds, key).strip(), (ds.name, key)
        assert ds.source.startswith(("http://", "https://")), ds.name
        assert "\n" not in ds.citation, ds.name
        for f in ds.files:
            assert f.sha256 and re.fullmatch(r"[0-9a-f]{64}", f.sha256), f.path
            if f.path.endswith((".csv", ".csv.gz")):
                assert f.columns, f.path
            if f.url:
                assert f.url.startswith(("http://", "https://")), f.path
                fetching._steps(f.fetch_format)  # parses
            else:
                assert "import" in f.note, f"{f.path}: say how to import it"


def bibtex_entries(text: str) -> list[str]:
    return [e for e in re.split(r"(?m)^(?=@)", text.strip()) if e.strip()]


def test_bibtex_parses_minimally() -> None:
    for ds in registry.datasets().values():
        assert ds.bibtex.startswith("@"), ds.name
        for entry in bibtex_entries(ds.bibtex):
            assert re.match(r"@\w+\{[\w:-]+,", entry), (ds.name, entry[:40])
            depth = 0
            for ch in entry:
                depth += {"{": 1, "}": -1}.get(ch, 0)
                assert depth >= 0, ds.name
            assert depth == 0, ds.name
            assert re.search(r"(?m)^\s*title\s*=\s*\{", entry), ds.name
            assert re.search(r"(?m)^\s*year\s*=\s*\{\d{4}\}", entry), ds.name


def test_icb_fetch_is_refused_in_the_registry() -> None:
    icb = registry.get_dataset("icb")
    assert "withheld" in icb.fetch_refusal and "development split" in icb.fetch_refusal
    assert not any(f.url for f in icb.files)


@pytest.mark.data
def test_every_readme_dataset_has_an_entry() -> None:
    readme = (data_root() / "README.md").read_text(encoding="utf-8")
    paths: set[str] = set()
    for line in readme.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            paths.update(re.findall(r"`([^`]+)`", first_cell))
    assert len(paths) >= 25
    listed = [f.path for ds in registry.datasets().values() for f in ds.files]
    for p in paths:
        pattern = re.escape(p).replace("YYYY", r"\d{4}")
        assert any(re.fullmatch(pattern, q) for q in listed), f"README lists {p}"


@pytest.mark.data
def test_registry_matches_the_mirror(empty_cache: Path) -> None:
    root = data_root()
    listed = {f.path for ds in registry.datasets().values() for f in ds.files}
    present = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} - NOT_DATA
    assert present == listed
    for ds in registry.datasets().values():
        for f in ds.files:
            path = root / f.path
            assert fetching.sha256_file(path) == f.sha256, f.path
            if f.columns:
                assert tuple(fetching.file_header(path)) == f.columns, f.path
    report = fetching.verify(checks=[])
    statuses = {
        (d["name"], r["path"]): (r["where"], r["status"])
        for d in report["datasets"]
        for r in d["files"]
    }
    assert set(statuses.values()) == {("data dir", "ok")}
    assert report["ok"] is True


# --------------------------------------------------------------------------- CLI


def test_data_list_json_contract(run_cli) -> None:
    code, out, _ = run_cli("data", "list", "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert set(payload) == {"datasets"}
    rows = payload["datasets"]
    assert [r["name"] for r in rows] == list(registry.datasets())
    for r in rows:
        assert set(r) == {"name", "version", "citation", "license", "source"}
        assert all(isinstance(v, str) and v for v in r.values())


def test_data_cite_prints_bibtex(run_cli) -> None:
    code, out, _ = run_cli("data", "cite", "cow_nmc")
    assert code == 0
    assert out.startswith("@incollection{singer_bremer_stuckey_1972,")
    assert "Capability Distribution, Uncertainty, and Major Power War" in out
    code, out, _ = run_cli("data", "cite", "cow_mindist", "cow_capitals")
    assert code == 0 and out.count("@article{miller_2022,") == 1
    code, out, _ = run_cli("data", "cite", "--all", "--format", "json")
    assert code == 0
    assert [c["name"] for c in json.loads(out)["citations"]] == list(registry.datasets())


def test_data_info_and_unknown_dataset(run_cli, empty_cache: Path) -> None:
    code, out, _ = run_cli("data", "info", "icb", "--format", "json")
    assert code == 0
    p = json.loads(out)
    assert p["fetch"] == "refused" and [f["path"] for f in p["files"]] == EXPECTED["icb"]
    assert {"path", "columns", "sha256", "url", "where", "location"} <= set(p["files"][0])
    code, out, err = run_cli("data", "info", "nope")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("collsec: error: dataset: unknown dataset 'nope'")
    code, _, err = run_cli("data", "cite")
    assert code == 2 and "--all" in err


@pytest.mark.data
def test_data_info_shows_where_files_are(run_cli, empty_cache: Path) -> None:
    code, out, _ = run_cli("data", "info", "unga_votes", "--format", "json")
    assert code == 0
    files = json.loads(out)["files"]
    assert {f["where"] for f in files} == {"data dir"}
    code, out, _ = run_cli("data", "info", "unga_votes")
    assert code == 0 and "Voeten" in out and "roll_calls.csv" in out


@pytest.mark.data
def test_data_verify_cli_on_the_mirror(run_cli, empty_cache: Path) -> None:
    code, out, _ = run_cli("data", "verify", "--format", "json")
    assert code == 0
    p = json.loads(out)
    assert p["ok"] is True
    assert sum(len(d["files"]) for d in p["datasets"]) == sum(
        len(ds.files) for ds in registry.datasets().values()
    )
