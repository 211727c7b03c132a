"""``collsec data``: the dataset registry, citations, fetching, importing and verifying."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from collsec.cli._common import DataDirOpt, Format, FormatOpt, emit
from collsec.data import fetch as fetching
from collsec.data import registry
from collsec.errors import CollsecError, InputError

console = Console(highlight=False)


class VerifyFailed(CollsecError):
    """``collsec data verify`` found a file that fails its checksum or columns: exit code 1.

    (Raised rather than ``typer.Exit(1)``: :func:`collsec.cli.main.main` runs the app in
    non-standalone mode, where an explicit exit code would be swallowed.)
    """

    exit_code = 1


NameArg = Annotated[str, typer.Argument(help="Dataset name (see `collsec data list`).")]


def _where(name: str, path: str, data_dir: str | None) -> tuple[str, str | None]:
    where, found = registry.find_file(name, path, data_dir=data_dir)
    return where, str(found) if found is not None else None


def list_command(fmt: FormatOpt = Format.text) -> None:
    """List the datasets in the registry."""
    payload = {
        "datasets": [
            {
                "name": ds.name,
                "version": ds.version,
                "citation": ds.citation,
                "license": ds.license,
                "source": ds.source,
            }
            for ds in registry.datasets().values()
        ]
    }

    def text(p: dict[str, Any]) -> None:
        t = Table(title="Datasets", title_justify="left")
        t.add_column("name", no_wrap=True)
        t.add_column("version")
        t.add_column("title")
        reg = registry.datasets()
        for row in p["datasets"]:
            t.add_row(row["name"], row["version"], reg[row["name"]].title)
        console.print(t)
        console.print("Details: collsec data info NAME; citations: collsec data cite NAME")

    emit(payload, fmt, text)


def info_command(name: NameArg, data_dir: DataDirOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Everything the registry knows about a dataset, and where its files are now."""
    ds = registry.get_dataset(name)
    files = []
    for f in ds.files:
        where, location = _where(name, f.path, data_dir)
        files.append(
            {
                "path": f.path,
                "columns": list(f.columns),
                "sha256": f.sha256,
                "url": f.url,
                "fetch_format": f.fetch_format if f.url else None,
                "note": f.note,
                "where": where,
                "location": location,
            }
        )
    payload = {
        "name": ds.name,
        "title": ds.title,
        "version": ds.version,
        "source": ds.source,
        "citation": ds.citation,
        "license": ds.license,
        "notes": ds.notes,
        "fetch": "refused"
        if ds.fetch_refusal
        else ("yes" if any(f.url for f in ds.files) else "no"),
        "files": files,
    }

    def text(p: dict[str, Any]) -> None:
        t = Table(title=f"{p['name']}: {p['title']}", title_justify="left", show_header=False)
        t.add_column("field", style="bold", no_wrap=True)
        t.add_column("value", overflow="fold")
        for key, label in (
            ("version", "version"),
            ("source", "source"),
            ("citation", "citation"),
            ("license", "licence"),
            ("notes", "notes"),
        ):
            t.add_row(label, p[key])
        if ds.fetch_refusal:
            t.add_row("fetch", "refused: " + ds.fetch_refusal)
        console.print(t)
        for f in p["files"]:
            ft = Table(show_header=False, box=None, padding=(0, 1))
            ft.add_column("field", style="bold", no_wrap=True)
            ft.add_column("value", overflow="fold")
            ft.add_row("file", f["path"])
            found = f["where"] if f["location"] is None else f"{f['where']}: {f['location']}"
            ft.add_row("found", found)
            if f["columns"]:
                ft.add_row("columns", ", ".join(f["columns"]))
            ft.add_row("sha256", f["sha256"] or "(none)")
            if f["url"]:
                ft.add_row("url", f"{f['url']} ({f['fetch_format']})")
            else:
                ft.add_row("url", f"none; import it: collsec data import {p['name']} FILE")
            if f["note"]:
                ft.add_row("note", f["note"])
            console.print()
            console.print(ft)

    emit(payload, fmt, text)


def cite_command(
    names: Annotated[list[str] | None, typer.Argument(help="Dataset names.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every dataset in the registry.")] = False,
    run: Annotated[
        Path | None,
        typer.Option("--run", help="JSON output of a collsec run: cite the datasets it used."),
    ] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """BibTeX for the named datasets (cite them when you publish results built on them)."""
    if run is not None:
        names = [*(names or []), *_run_sources(run)]
    if all_ and names:
        raise InputError("give dataset names or --all, not both", source="cite")
    if not all_ and not names:
        raise InputError("give at least one dataset name, or --all", source="cite")
    names = list(dict.fromkeys(names or []))
    chosen = (
        list(registry.datasets().values())
        if all_
        else [registry.get_dataset(n) for n in names or []]
    )
    payload = {
        "citations": [
            {"name": ds.name, "citation": ds.citation, "bibtex": ds.bibtex} for ds in chosen
        ]
    }

    def text(p: dict[str, Any]) -> None:
        seen: set[str] = set()
        blocks = []
        for c in p["citations"]:
            for entry in _split_bibtex(c["bibtex"]):
                if entry not in seen:
                    seen.add(entry)
                    blocks.append(entry)
        typer.echo("\n\n".join(blocks))

    emit(payload, fmt, text)


def _run_sources(path: Path) -> list[str]:
    """The registry datasets named in the ``sources`` of a collsec JSON output."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(
            f"not a collsec JSON output ({e.__class__.__name__})", source=str(path)
        ) from None
    sources = payload.get("sources") if isinstance(payload, dict) else None
    if not isinstance(sources, list):
        raise InputError(
            "has no 'sources' list (run the command with --format json)", source=str(path)
        )
    known = registry.datasets()
    return [s for s in sources if isinstance(s, str) and s in known]


def _split_bibtex(text: str) -> list[str]:
    """The entries of a BibTeX string (each starts with ``@`` at the start of a line)."""
    entries, current = [], []
    for line in text.strip().splitlines():
        if line.startswith("@") and current:
            entries.append("\n".join(current).strip())
            current = []
        current.append(line)
    if current:
        entries.append("\n".join(current).strip())
    return entries


def verify_command(data_dir: DataDirOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Check the checksum and columns of every dataset file present; exit 1 on a mismatch."""
    payload = fetching.verify(data_dir)

    def text(p: dict[str, Any]) -> None:
        t = Table(title="Dataset files", title_justify="left")
        t.add_column("dataset")
        t.add_column("file", overflow="fold")
        t.add_column("where")
        t.add_column("status")
        t.add_column("detail", overflow="fold")
        counts: dict[str, int] = {}
        for ds in p["datasets"]:
            for f in ds["files"]:
                counts[f["status"]] = counts.get(f["status"], 0) + 1
                style = {"ok": "green", "missing": "dim"}.get(f["status"], "bold red")
                t.add_row(
                    ds["name"],
                    f["path"],
                    f["where"],
                    f"[{style}]{f['status']}[/]",
                    f["detail"],
                )
        console.print(t)
        for key, section in p.items():
            if key in ("datasets", "ok"):
                continue
            console.print(f"{key}: {'ok' if section.get('ok') else 'FAILED'}", markup=False)
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        console.print(("OK" if p["ok"] else "FAILED") + f" ({summary})", markup=False)

    emit(payload, fmt, text)
    if not payload["ok"]:
        bad = [
            f"{d['name']}:{f['path']}"
            for d in payload["datasets"]
            for f in d["files"]
            if f["status"] in fetching.BAD_STATUSES
        ]
        failed = [k for k, v in payload.items() if k not in ("datasets", "ok") and not v.get("ok")]
        what = ", ".join(bad[:3]) + (" ..." if len(bad) > 3 else "")
        parts = [f"{len(bad)} file(s) fail their checksum or columns ({what})"] if bad else []
        parts += [f"check '{k}' failed" for k in failed]
        raise VerifyFailed("verify: " + "; ".join(parts))


def fetch_command(
    name: NameArg,
    force: Annotated[bool, typer.Option("--force", help="Download again even if cached.")] = False,
    mirror: Annotated[
        str | None,
        typer.Option(
            "--mirror",
            help="Fetch from a mirror laid out like a data directory: URL/<registry path>, "
            "checked against the registry's checksums.",
            show_default=False,
        ),
    ] = None,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Download a dataset's official files into the cache (never into the data directory)."""
    paths = fetching.fetch(
        name, force=force, base_url=mirror, progress=fmt is not Format.json, data_dir=data_dir
    )
    ds = registry.get_dataset(name)
    fetched = {str(p) for p in paths}
    payload = {
        "dataset": name,
        "files": [str(p) for p in paths],
        "import_needed": [
            f.path for f in ds.files if str(registry.cached_path(f.path)) not in fetched
        ],
    }

    def text(p: dict[str, Any]) -> None:
        for path in p["files"]:
            console.print(f"cached: {path}", markup=False)
        for path in p["import_needed"]:
            console.print(
                f"not fetched (no official download): {path}; "
                f"use `collsec data import {name} FILE --file {path}`",
                markup=False,
            )

    emit(payload, fmt, text)


def import_command(
    name: NameArg,
    path: Annotated[Path, typer.Argument(help="The file you have.")],
    file: Annotated[
        str | None,
        typer.Option(
            "--file",
            help="Which registry file it is (e.g. unga/roll_calls.csv).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Import despite a checksum or column mismatch (warns).")
    ] = False,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Copy a file you already have into the cache, after checking its columns and checksum."""
    dest = fetching.import_file(name, path, file=file, force=force, data_dir=data_dir)
    payload = {
        "dataset": name,
        "file": str(dest.relative_to(registry.cache_dir() / "datasets")),
        "cached": str(dest),
    }

    def text(p: dict[str, Any]) -> None:
        console.print(f"imported {p['file']}: {p['cached']}", markup=False)

    emit(payload, fmt, text)


def _data_app(app: typer.Typer) -> typer.Typer | None:
    for group in app.registered_groups:
        if group.name == "data":
            return None
    sub = typer.Typer(
        name="data",
        help="Datasets: list, cite, fetch, import and verify.",
        no_args_is_help=True,
    )
    app.add_typer(sub, name="data")
    return sub


def register(app: typer.Typer) -> None:
    sub = _data_app(app)
    if sub is None:
        return
    sub.command("list")(list_command)
    sub.command("info")(info_command)
    sub.command("cite")(cite_command)
    sub.command("verify")(verify_command)
    sub.command("fetch")(fetch_command)
    sub.command("import")(import_command)


__all__ = ["register"]
