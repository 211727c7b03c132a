"""Imports point down: the layers of tools/layers.toml, checked on the source with ``ast``.

Every ``import`` and ``from ... import`` of src/collsec that names a collsec module
is an edge from the importing file to the file it names (the longest module name
that exists; ``from collsec.cli import world`` names ``collsec.cli.world``). Edges
count wherever the statement is: at the top, inside a function or under
``if TYPE_CHECKING``. The package of ``collsec.a.b`` is ``a``; ``collsec/__init__.py``
(the version) is below every package. See docs/architecture.md.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "collsec"
LAYERS_FILE = ROOT / "tools" / "layers.toml"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
LAZY_COMMENT = "# lazy:"


@dataclass(frozen=True)
class Edge:
    source: str  # importing module, e.g. "collsec.cli.world"
    target: str  # imported module
    line: int
    in_function: bool


@cache
def layers() -> tuple[tuple[str, ...], ...]:
    """The packages of each layer, bottom first."""
    spec = tomllib.loads(LAYERS_FILE.read_text(encoding="utf-8"))
    return tuple(tuple(layer["packages"]) for layer in spec["layer"])


def max_lazy_imports() -> int:
    return tomllib.loads(LAYERS_FILE.read_text(encoding="utf-8"))["max_lazy_imports"]


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (``collsec.world`` for world/__init__.py)."""
    out = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _resolve(name: str) -> str | None:
    """The longest existing module that ``name`` starts with."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> set[str]:
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        if node.level:  # relative: from the module's package, up level - 1
            base = module.split(".") if is_package else module.split(".")[:-1]
            base = base[: len(base) - node.level + 1]
            mod = ".".join([*base, *([node.module] if node.module else [])])
        else:
            mod = node.module or ""
        # a name may be a submodule (from collsec.cli import world); the longest match wins
        names = [f"{mod}.{a.name}" for a in node.names]
    out = set()
    for name in names:
        if name == "collsec" or name.startswith("collsec."):
            target = _resolve(name)
            if target:
                out.add(target)
    return out


def _edges_of(module: str, path: Path) -> list[Edge]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    out: list[Edge] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                for target in sorted(_targets(child, module, is_package) - {module}):
                    out.append(Edge(module, target, child.lineno, in_function))
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            visit(child, inner)

    visit(tree, False)
    return out


@cache
def edges() -> tuple[Edge, ...]:
    return tuple(e for m, p in sorted(modules().items()) for e in _edges_of(m, p))


def package(module: str) -> str | None:
    """``collsec.world.build`` -> ``world``; ``None`` for collsec/__init__.py."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strongconnect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return sorted(found)


def _explain(component: list[str], es: Iterable[Edge], key) -> str:
    inside = set(component)
    lines = [
        f"  {e.source}:{e.line} imports {e.target}"
        for e in es
        if key(e.source) in inside and key(e.target) in inside and key(e.source) != key(e.target)
    ]
    return " <-> ".join(component) + "\n" + "\n".join(lines)


def lazy_imports() -> list[tuple[str, int]]:
    """Each collsec import statement inside a function: (file, line)."""
    return sorted(
        {(str(modules()[e.source].relative_to(ROOT)), e.line) for e in edges() if e.in_function}
    )


# ----------------------------------------------------------------------------- the checks


def test_layers_file_names_every_package_once():
    listed = [p for layer in layers() for p in layer]
    assert len(listed) == len(set(listed)), "a package is in two layers"
    present = {package(m) for m in modules()} - {None}
    assert set(listed) == present, (
        f"not in tools/layers.toml: {sorted(present - set(listed))}; "
        f"listed but missing: {sorted(set(listed) - present)}"
    )


def test_no_import_cycle_between_files():
    graph: dict[str, set[str]] = defaultdict(set)
    for e in edges():
        graph[e.source].add(e.target)
    found = cycles(graph)
    assert not found, "file cycles:\n" + "\n".join(_explain(c, edges(), lambda m: m) for c in found)


def test_no_import_cycle_between_packages():
    graph: dict[str, set[str]] = defaultdict(set)
    for e in edges():
        a, b = package(e.source), package(e.target)
        if a and b and a != b:
            graph[a].add(b)
    found = cycles(graph)
    assert not found, "package cycles:\n" + "\n".join(
        _explain(c, edges(), lambda m: package(m) or "") for c in found
    )


def test_imports_point_down():
    level = {p: i for i, layer in enumerate(layers()) for p in layer}
    wrong = []
    for e in edges():
        a, b = package(e.source), package(e.target)
        if a is None:
            wrong.append(
                f"{e.source}:{e.line} imports {e.target} (collsec/__init__.py imports nothing)"
            )
        elif b is not None and a != b and level[a] <= level[b]:
            how = "in the same layer as" if level[a] == level[b] else "in a higher layer than"
            wrong.append(f"{e.source}:{e.line} imports {e.target}: {b} is {how} {a}")
    assert not wrong, "imports that do not point down (tools/layers.toml):\n" + "\n".join(wrong)


def test_few_imports_inside_functions():
    """At most ``max_lazy_imports`` collsec imports inside functions in the whole package."""
    found = lazy_imports()
    per_file: dict[str, int] = defaultdict(int)
    for f, _ in found:
        per_file[f] += 1
    table = "\n".join(f"  {n:3d}  {f}" for f, n in sorted(per_file.items(), key=lambda x: -x[1]))
    assert len(found) <= max_lazy_imports(), (
        f"{len(found)} collsec imports inside functions (at most {max_lazy_imports()}); "
        f"move them to the top unless they save start-up time:\n{table}"
    )


def test_imports_inside_functions_say_why():
    """Each lazy collsec import has a ``# lazy:`` comment in the lines just above it."""
    silent = []
    for f, line in lazy_imports():
        text = (ROOT / f).read_text(encoding="utf-8").splitlines()
        above = text[max(0, line - 4) : line - 1]
        if not any(LAZY_COMMENT in s for s in above):
            silent.append(f"  {f}:{line}")
    assert not silent, (
        f"collsec imports inside functions without a '{LAZY_COMMENT}' comment "
        "(say what start-up time it saves, or move it to the top):\n" + "\n".join(silent)
    )


def test_architecture_doc_quotes_the_layers():
    """docs/architecture.md lists the layers of tools/layers.toml, top first."""
    rows = re.findall(r"^\| *(\d+) *\| *([^|]+?) *\|", ARCHITECTURE.read_text("utf-8"), re.M)
    doc = [(int(n), tuple(re.findall(r"`([a-z_]+)`", cell))) for n, cell in rows]
    expected = [(i, layer) for i, layer in reversed(list(enumerate(layers())))]
    assert doc == expected


# ----------------------------------------------------------------------------- the checker


def test_the_checker_sees_cycles_and_lazy_imports(tmp_path):
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    src = tmp_path / "m.py"
    src.write_text(
        "from collsec.errors import InputError\n"
        "from collsec.cli import world\n"
        "def f():\n"
        "    # lazy: test\n"
        "    from collsec.world.build import world_fields\n"
    )
    es = _edges_of("collsec.probe", src)
    assert [(e.target, e.in_function) for e in es] == [
        ("collsec.errors", False),
        ("collsec.cli.world", False),
        ("collsec.world.build", True),
    ]
