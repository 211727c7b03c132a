"""A run's identity: the content of everything that decides its numbers.

A run key is the hash of the run's *inputs*, each hashed on its own (SHA-256 of
its canonical JSON, keys sorted):

run-wide
    ``spec``
        the resolved experiment: id, seed, replications, years, world, threats,
        and each design's scenario, policy name and parameter overrides (a
        charter file is named by its absolute path here; its content is below);
    ``collsec``
        the package version;
    ``code``
        the model's code: every ``.py``, ``.toml``, ``.csv`` and ``.txt`` file
        under :data:`MODEL_CODE` (the packages the simulation imports, with the
        shipped parameters, charters, membership tables, built-in experiments
        and the hazard's coefficients), each hashed by its path in the package
        and its bytes, except :data:`NOT_MODEL` (the report and the summary:
        they show results and decide none). It works in an installed package
        without git. The git commit, where there is one, is recorded beside it
        but not hashed: a commit that touches only the docs changes no number;
    ``data``
        the checksums of the data the run reads (:func:`data_versions`);
    ``default_parameters``
        the parameters a design starts from (``Parameters.default()``);

per design
    ``charter:council``, ``charter:nato``, ``charter:regional``, ``charter:general_assembly``
        each charter the design's stage reads, resolved (``extends`` applied;
        :func:`collsec.crisis.stage.stage_charters`), as ``Charter.model_dump``
        without its file path;
    ``parameters``
        the design's resolved parameters (``Parameters.to_dict()``);
    ``scenario``
        the design's scenario (council and switches);
    ``policy``
        the policy's name and, for a policy file (``FILE.py:NAME``), the file's
        SHA-256.

The database stores every input with its hash (:class:`~collsec.experiments.store.Store`,
table ``inputs``), so the rules behind any result can be read back, and
``--resume`` can say what changed (:func:`changes`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from collsec import __version__
from collsec.behavior.parameters import Parameters
from collsec.crisis.stage import stage_charters
from collsec.data.registry import get_dataset
from collsec.experiments.hazard import Hazard
from collsec.experiments.spec import Design, Experiment
from collsec.world.build import SOURCES as WORLD_SOURCES

__all__ = [
    "MODEL_CODE",
    "NOT_MODEL",
    "Input",
    "changes",
    "code_files",
    "data_versions",
    "run_inputs",
    "run_key_of",
    "spec_dict",
]

#: the model's code, relative to the ``collsec`` package folder: the packages and
#: files that the simulation (``collsec.experiments.history``) and the runner import,
#: and the files they read. ``errors`` and ``validation_style`` are left out: what
#: they read is hashed as resolved content (charters, parameters, the spec); so is
#: ``workers``, which spreads chunks over processes, and ``limits``, which refuses sizes:
#: neither decides a number (the same seed gives the same results on any number of
#: workers, tested).
MODEL_CODE: tuple[str, ...] = (
    "behavior",
    "codes",
    "crisis",
    "data/loaders",
    "data/crosswalk_check.py",
    "data/registry.py",
    "data/registry.toml",
    "data/unsc.py",
    "experiments",
    "institutions",
    "world",
)

#: files under :data:`MODEL_CODE` that show results and decide none
NOT_MODEL: tuple[str, ...] = ("experiments/report.py", "experiments/summary.py")

_SUFFIXES = (".py", ".toml", ".csv", ".txt")
_PACKAGE = Path(__file__).resolve().parents[1]  # the collsec folder

#: roles of a design's charters, in the order they are recorded
CHARTER_ROLES = ("council", "nato", "regional", "general_assembly")


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(obj: Any) -> str:
    """SHA-256 (hex) of ``obj``'s canonical JSON."""
    return hashlib.sha256(_canonical(obj).encode()).hexdigest()


@dataclass(frozen=True)
class Input:
    """One input of a run: ``design`` None for a run-wide input."""

    design: str | None
    name: str
    sha256: str
    content: Any


# --------------------------------------------------------------------------- code


def code_files(root: Path | None = None) -> dict[str, str]:
    """Path in the package -> SHA-256 of every file of the model's code (:data:`MODEL_CODE`)."""
    root = root or _PACKAGE
    out: dict[str, str] = {}
    for entry in MODEL_CODE:
        base = root / entry
        paths = [base] if base.is_file() else sorted(base.rglob("*"))
        for p in paths:
            if not p.is_file() or p.suffix not in _SUFFIXES or "__pycache__" in p.parts:
                continue
            rel = p.relative_to(root).as_posix()
            if rel not in NOT_MODEL:
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return dict(sorted(out.items()))


def _git_commit(root: Path) -> str | None:
    """The commit of the checkout holding ``root``, if it is one and git is at hand."""
    if not any((d / ".git").exists() for d in (root, *root.parents)):
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = done.stdout.strip()
    return text if done.returncode == 0 and text else None


@cache
def _code() -> tuple[str, dict[str, Any]]:
    files = code_files()
    return sha256_of(files), {"files": files, "git_commit": _git_commit(_PACKAGE)}


# --------------------------------------------------------------------------- data


def data_versions(exp: Experiment) -> dict[str, Any]:
    """The checksums of the data a run of ``exp`` reads: the hazard's sources and,
    for a world of data, the registry's checksums of the world's datasets (the
    files ``collsec data verify`` checks)."""
    h = Hazard.default()
    out: dict[str, Any] = {
        "hazard": {k: v.get("sha256") or v.get("registry_sha256") for k, v in h.sources.items()}
    }
    if exp.world.kind == "synthetic":
        out["world"] = f"synthetic: {exp.world.states} states, seed {exp.world.seed}"
    else:
        out["world"] = f"COW-based world of {exp.world.year} (collsec.world.World.from_year)"
        out["world_sources"] = {
            name: {f.path: f.sha256 for f in get_dataset(name).files} for name in WORLD_SOURCES
        }
    return out


# --------------------------------------------------------------------------- inputs


def spec_dict(exp: Experiment) -> dict[str, Any]:
    """The resolved experiment as plain JSON (lists and dicts, as a TOML file would give)."""
    d = exp.to_dict()
    if not d.get("sensitivity"):
        d.pop("sensitivity", None)
    d["world"] = {k: v for k, v in d["world"].items() if v is not None}
    return json.loads(json.dumps(d))


def _on(exp: Experiment) -> dt.date | None:
    """The date a stage takes the bodies on (None: a synthetic world)."""
    return None if exp.world.kind == "synthetic" else dt.date(int(exp.world.year), 7, 1)


def _policy(design: Design) -> dict[str, Any]:
    name = design.policy
    if ".py" not in name:
        return {"name": name}
    path, _, rest = name.partition(".py")
    file = Path(path + ".py")
    return {
        "name": rest.lstrip(":"),
        "file": str(file),
        "sha256": hashlib.sha256(file.read_bytes()).hexdigest(),
    }


def _design_inputs(exp: Experiment, design: Design) -> list[Input]:
    out = []
    charters = stage_charters(design.scenario, _on(exp))
    for role in CHARTER_ROLES:
        c = charters[role].model_dump(mode="json", exclude={"path"})
        out.append(Input(design.id, f"charter:{role}", sha256_of(c), c))
    params = json.loads(json.dumps(exp.parameters(design).to_dict()))
    scenario = design.scenario.model_dump(mode="json")
    policy = _policy(design)
    for name, content in (("parameters", params), ("scenario", scenario), ("policy", policy)):
        out.append(Input(design.id, name, sha256_of(content), content))
    return out


def run_inputs(exp: Experiment) -> list[Input]:
    """Every input of a run of ``exp``: run-wide first, then design by design."""
    code_sha, code = _code()
    defaults = json.loads(json.dumps(Parameters.default().to_dict()))
    out = [
        Input(None, name, sha256_of(content), content)
        for name, content in (
            ("spec", spec_dict(exp)),
            ("collsec", __version__),
            ("data", data_versions(exp)),
            ("default_parameters", defaults),
        )
    ]
    out.append(Input(None, "code", code_sha, code))
    for d in exp.designs:
        out.extend(_design_inputs(exp, d))
    return out


def run_key_of(inputs: Iterable[Input]) -> str:
    """The run key: the hash of every input's hash (16 hex digits)."""
    return sha256_of(sorted([i.design or "", i.name, i.sha256] for i in inputs))[:16]


# --------------------------------------------------------------------------- changes


def _flat(x: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(x, dict) and x:
        out: dict[str, Any] = {}
        for k, v in x.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(x, list) and x:
        out = {}
        for i, v in enumerate(x):
            out.update(_flat(v, f"{prefix}[{i}]"))
        return out
    return {prefix: x}


def _show(v: Any, width: int = 40) -> str:
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 3] + "..."


def _leaf_changes(old: Any, new: Any, most: int = 3) -> str:
    """``path old -> new`` of the leaves that differ, the first ``most`` of them."""
    a, b = _flat(old), _flat(new)
    out = []
    for k in sorted(set(a) | set(b), key=lambda k: (k not in a or k not in b, k)):
        if k in a and k in b:
            if a[k] != b[k]:
                out.append(f"{k or 'value'} {_show(a[k])} -> {_show(b[k])}")
        elif k in b:
            out.append(f"{k} added ({_show(b[k])})")
        else:
            out.append(f"{k} removed")
    more = f" and {len(out) - most} more" if len(out) > most else ""
    return ", ".join(out[:most]) + more


def _what(name: str, old: Any, new: Any) -> str:
    if name == "code":
        fa, fb = (old or {}).get("files", {}), (new or {}).get("files", {})
        differ = sorted(k for k in set(fa) | set(fb) if fa.get(k) != fb.get(k))
        shown = ", ".join(differ[:3]) + (f" and {len(differ) - 3} more" if len(differ) > 3 else "")
        return f"the model's code changed ({shown or 'files'})"
    if name == "collsec":
        return f"collsec {old} -> {new}"
    if name.startswith("charter:"):
        role = name.partition(":")[2].replace("_", " ")
        cid = (new or old or {}).get("id", "?")
        return f"{role} charter '{cid}' changed ({_leaf_changes(old, new)})"
    old_file = old.get("file") if isinstance(old, dict) else None
    if name == "policy" and isinstance(new, dict) and old_file and old_file == new.get("file"):
        return f"policy file {old_file} changed"
    return f"{name.replace('_', ' ')} changed ({_leaf_changes(old, new)})"


def changes(
    old: Iterable[Mapping[str, Any]], new: Iterable[Input], designs: Iterable[str]
) -> list[str]:
    """What differs between a stored run's inputs (rows with ``design``, ``input``,
    ``sha256``, ``content``) and ``new``, one phrase per input, run-wide first.
    ``designs``: the new run's design ids in order (for ``designs[i]``)."""
    position = {d: i for i, d in enumerate(designs)}
    before = {(r["design"] if isinstance(r["design"], str) else None, r["input"]): r for r in old}
    out = []
    for i in new:
        r = before.get((i.design, i.name))
        if r is not None and r["sha256"] == i.sha256:
            continue
        if r is None and i.design is not None and (None, "spec") in before:
            continue  # a design the stored run had not: the spec says so
        content = json.loads(r["content"]) if r is not None else None
        phrase = _what(i.name, content, i.content) if r is not None else f"{i.name} not recorded"
        where = "" if i.design is None else f"designs[{position.get(i.design, '?')}] '{i.design}' "
        out.append(where + phrase)
    return out
