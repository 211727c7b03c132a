"""Fetching, importing and verifying datasets, against a local HTTP server.

Every test points the cache at ``tmp_path`` and the data directory at a read-only
folder there, and swaps the registry for small datasets whose URLs point at a
``http.server`` on 127.0.0.1 (port 0, shut down by the fixture).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import socket
import stat
import struct
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from collsec.data import fetch as fetching
from collsec.data import registry
from collsec.data.registry import DataFile, Dataset
from collsec.errors import InputError

CSV = b"a,b\n1,2\n3,4\n"
CSV2 = b"a,b\n5,6\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


class Route:
    def __init__(
        self, body: bytes, *, status: int = 200, length: int | None = None, reset: bool = False
    ) -> None:
        self.body, self.status, self.length, self.reset = body, status, length, reset


class Server:
    """Serves ``routes`` (path -> Route); anything else is a 404. Counts requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                self.send_response(route.status)
                length = len(route.body) if route.length is None else route.length
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(route.body)
                self.wfile.flush()
                self.close_connection = True
                if route.reset:  # abort the connection: RST instead of FIN
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()
        srv.thread.join(timeout=5)


def snapshot(root: Path) -> dict[str, bytes]:
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """(data dir, cache dir): the data dir read-only with one file in it."""
    data = tmp_path / "data"
    (data / "tiny").mkdir(parents=True)
    (data / "tiny" / "present.csv").write_bytes(CSV)
    cache = tmp_path / "cache"
    monkeypatch.setenv(registry.DATA_ENV, str(data))
    monkeypatch.setenv(registry.CACHE_ENV, str(cache))
    monkeypatch.setattr(fetching, "TIMEOUT", 5.0)
    for p in (data / "tiny", data):
        p.chmod(stat.S_IRUSR | stat.S_IXUSR)
    before = snapshot(data)
    try:
        yield data, cache
    finally:
        for p in (data, data / "tiny"):
            p.chmod(stat.S_IRWXU)
    assert snapshot(data) == before, "the data directory was written to"


def use(monkeypatch: pytest.MonkeyPatch, *datasets: Dataset) -> None:
    monkeypatch.setattr(registry, "datasets", lambda: {d.name: d for d in datasets})


def tiny(*files: DataFile, name: str = "tiny") -> Dataset:
    return Dataset(
        name=name,
        title="Tiny test data",
        version="1",
        source="http://example.invalid/",
        citation="Nobody. 2024. Tiny.",
        bibtex="@misc{tiny, title={Tiny}, year={2024}}",
        license="CC0",
        files=files,
    )


def one_line(err: pytest.ExceptionInfo[InputError]) -> str:
    msg = str(err.value)
    assert "\n" not in msg
    return msg


def no_temporaries(cache: Path) -> None:
    assert not [p for p in cache.rglob("*") if p.name.endswith(".part")]


# --------------------------------------------------------------------------- fetch


def test_fetch_records_checksum_then_is_a_noop_unless_forced(
    server: Server, dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    _, cache = dirs
    server.routes["/t.csv"] = Route(CSV)
    use(monkeypatch, tiny(DataFile("tiny/t.csv", ("a", "b"), url=server.url("/t.csv"))))

    [path] = fetching.fetch("tiny", progress=False)
    assert path == cache / "datasets" / "tiny" / "t.csv"
    assert path.read_bytes() == CSV
    ledger = json.loads((cache / "checksums.json").read_text())["files"]
    assert ledger["tiny/t.csv"]["sha256"] == sha(CSV)
    assert ledger["tiny/t.csv"]["columns"] == ["a", "b"]
    assert "recorded" in capsys.readouterr().err

    fetching.fetch("tiny", progress=False)
    assert server.hits["/t.csv"] == 1
    assert "already in the cache" in capsys.readouterr().err

    fetching.fetch("tiny", progress=False, force=True)
    assert server.hits["/t.csv"] == 2
    assert "recorded" not in capsys.readouterr().err
    no_temporaries(cache)


def test_fetch_converts_gzip_zip_and_nested_zip(
    server: Server, dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cache = dirs
    server.routes["/plain.csv"] = Route(CSV)
    server.routes["/a.zip"] = Route(zip_bytes({"dir/inner.csv": CSV2, "dir/readme.txt": b"x"}))
    inner = zip_bytes({"deep/NMC-70-abridged.csv": CSV})
    server.routes["/outer.zip"] = Route(zip_bytes({"outer/NMC-v7-abridged.zip": inner}))
    use(
        monkeypatch,
        tiny(
            DataFile(
                "tiny/g.csv.gz", ("a", "b"), url=server.url("/plain.csv"), fetch_format="gzip"
            ),
            DataFile(
                "tiny/z.csv", ("a", "b"), url=server.url("/a.zip"), fetch_format="zip:inner.csv"
            ),
            DataFile(
                "tiny/n.csv.gz",
                url=server.url("/outer.zip"),
                fetch_format="zip:NMC-*-abridged.csv|gzip",
            ),
        ),
    )
    g, z, n = fetching.fetch("tiny", progress=False)
    assert gzip.decompress(g.read_bytes()) == CSV
    assert z.read_bytes() == CSV2
    assert gzip.decompress(n.read_bytes()) == CSV
    assert fetching.verify()["ok"] is True
    no_temporaries(cache)


def test_corrupted_download_fails_and_leaves_cache_untouched(
    server: Server, dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cache = dirs
    url = server.url("/t.csv")
    server.routes["/t.csv"] = Route(CSV)
    use(monkeypatch, tiny(DataFile("tiny/t.csv", ("a", "b"), url=url, fetch_sha256=sha(CSV))))
    fetching.fetch("tiny", progress=False)
    before = snapshot(cache)

    server.routes["/t.csv"] = Route(b"a,b\n1,9\n3,4\n")
    with pytest.raises(InputError) as err:
        fetching.fetch("tiny", progress=False, force=True)
    msg = one_line(err)
    assert msg.startswith(f"tiny: {url}: checksum mismatch")
    assert snapshot(cache) == before
    no_temporaries(cache)


def test_download_differing_from_recorded_checksum_fails(
    server: Server, dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cache = dirs
    server.routes["/t.csv"] = Route(CSV)
    use(monkeypatch, tiny(DataFile("tiny/t.csv", ("a", "b"), url=server.url("/t.csv"))))
    fetching.fetch("tiny", progress=False)
    before = snapshot(cache)
    server.routes["/t.csv"] = Route(CSV2)
    with pytest.raises(InputError) as err:
        fetching.fetch("tiny", progress=False, force=True)
    msg = one_line(err)
    assert "checksum mismatch" in msg and "recorded on" in msg and "checksums.json" in msg
    assert snapshot(cache) == before


def test_interrupted_download_is_reported_as_truncated(
    server: Server, dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cache = dirs
    url = server.url("/t.csv")
    server.routes["/t.csv"] = Route(CSV, length=10_000)
    use(monkeypatch, tiny(DataFile("tiny/t.csv", ("a", "b"), url=url)))
    with pytest.raises(InputError) as err:
        fetching.fetch("tiny", progress=False)
    msg = one_line(err)
    assert msg.startswith(f"tiny: {url}: truncated download")
    assert f"{len(CSV)} of 10000 bytes" in msg
    assert snapshot(cache) == {}
    assert not cache.exists() or not any(cache.rglob("*"))


def test_connection_reset_and_refused(
    server: Server, dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cache = dirs
    url = server.url("/t.csv")
    server.routes["/t.csv"] = Route(CSV * 1000, length=10**7, reset=True)
    use(monkeypatch, tiny(DataFile("tiny/t.csv", url=url)))
    with pytest.raises(InputError) as err:
        fetching.fetch("tiny", progress=False)
    msg = one_line(err)
    assert msg.startswith(f"tiny: {url}: ")
    assert "connection failed" in msg or "truncated download" in msg
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dead = f"http://127.0.0.1:{port}/t.csv"
    use(monkeypatch, tiny(DataFile("tiny/t.csv", url=dead)))
    with pytest.raises(InputError) as err:
        fetching.fetch("tiny", progress=False)
    assert one_line(err).startswith(f"tiny: {dead}: cannot connect")
    assert snapshot(cache) == {}


def test_http_404_and_500(
    server: Server, dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cache = dirs
    server.routes["/boom.csv"] = Route(b"oops", status=500)
    for path, code in (("/missing.csv", 404), ("/boom.csv", 500)):
        url = server.url(path)
        use(monkeypatch, tiny(DataFile("tiny/t.csv", url=url)))
        with pytest.raises(InputError) as err:
            fetching.fetch("tiny", progress=False)
        assert one_line(err).startswith(f"tiny: {url}: HTTP error {code}")
    assert snapshot(cache) == {}


def test_bad_zip_and_missing_member(
    server: Server, dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cache = dirs
    server.routes["/bad.zip"] = Route(b"PK\x03\x04 this is not a zip")
    server.routes["/ok.zip"] = Route(zip_bytes({"x.csv": CSV}))
    use(
        monkeypatch,
        tiny(DataFile("tiny/t.csv", url=server.url("/bad.zip"), fetch_format="zip:x.csv")),
    )
    with pytest.raises(InputError) as err:
        fetching.fetch("tiny", progress=False)
    assert "bad zip archive" in one_line(err)
    use(
        monkeypatch,
        tiny(DataFile("tiny/t.csv", url=server.url("/ok.zip"), fetch_format="zip:y.csv")),
    )
    with pytest.raises(InputError) as err:
        fetching.fetch("tiny", progress=False)
    assert "no zip member matches 'y.csv'" in one_line(err)
    assert snapshot(cache) == {}


def test_failure_of_one_file_keeps_all_files_out_of_the_cache(
    server: Server, dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cache = dirs
    server.routes["/t.csv"] = Route(CSV)
    use(
        monkeypatch,
        tiny(
            DataFile("tiny/t.csv", url=server.url("/t.csv")),
            DataFile("other/u.csv", url=server.url("/gone.csv")),
        ),
    )
    with pytest.raises(InputError, match="HTTP error 404"):
        fetching.fetch("tiny", progress=False)
    assert snapshot(cache) == {}
    assert not (cache / "datasets").exists()


def test_mirror_fetches_registry_paths_and_checks_registry_checksums(
    server: Server, dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cache = dirs
    server.routes["/mirror/tiny/t.csv"] = Route(CSV)
    server.routes["/mirror/tiny/u.csv"] = Route(CSV2)
    good = DataFile("tiny/t.csv", ("a", "b"), sha256=sha(CSV))
    use(monkeypatch, tiny(good))
    [path] = fetching.fetch("tiny", progress=False, base_url=server.url("/mirror"))
    assert path == cache / "datasets" / "tiny" / "t.csv" and path.read_bytes() == CSV
    use(monkeypatch, tiny(DataFile("tiny/u.csv", sha256=sha(CSV))))
    with pytest.raises(InputError) as err:
        fetching.fetch("tiny", progress=False, base_url=server.url("/mirror/"))
    msg = one_line(err)
    assert server.url("/mirror/tiny/u.csv") in msg and "expected" in msg and "the registry" in msg


def test_dataset_without_url_and_icb_are_refused(dirs: tuple[Path, Path]) -> None:
    with pytest.raises(InputError) as err:
        fetching.fetch("icb", progress=False)
    msg = one_line(err)
    assert msg.startswith("icb: fetch refused:")
    assert "evaluation crises are withheld" in msg and "development split" in msg
    with pytest.raises(InputError) as err:
        fetching.fetch("gsdb", progress=False)
    assert "collsec data import gsdb FILE" in one_line(err)


def test_cache_inside_data_dir_is_refused(
    server: Server, dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, _ = dirs
    monkeypatch.setenv(registry.CACHE_ENV, str(data / "tiny"))
    use(monkeypatch, tiny(DataFile("tiny/t.csv", url=server.url("/t.csv"))))
    with pytest.raises(InputError, match="inside the read-only data directory"):
        fetching.fetch("tiny", progress=False)


# --------------------------------------------------------------------------- import


@pytest.fixture
def own(tmp_path: Path) -> Path:
    d = tmp_path / "mine"
    d.mkdir()
    return d


def test_import_success(
    dirs: tuple[Path, Path], own: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cache = dirs
    src = own / "t.csv"
    src.write_bytes(CSV)
    use(
        monkeypatch,
        tiny(
            DataFile("tiny/t.csv", ("a", "b"), sha256=sha(CSV)), DataFile("tiny/u.csv", ("a", "b"))
        ),
    )
    dest = fetching.import_file("tiny", src)
    assert dest == cache / "datasets" / "tiny" / "t.csv" and dest.read_bytes() == CSV
    rec = json.loads((cache / "checksums.json").read_text())["files"]["tiny/t.csv"]
    assert rec["source"] == "import" and rec["sha256"] == sha(CSV) and not rec["forced"]
    other = own / "whatever.csv"
    other.write_bytes(CSV2)
    assert fetching.import_file("tiny", other, file="tiny/u.csv").read_bytes() == CSV2
    with pytest.raises(InputError, match="say which with --file"):
        fetching.import_file("tiny", other)
    assert fetching.verify()["ok"] is True
    no_temporaries(cache)


def test_import_wrong_columns(
    dirs: tuple[Path, Path], own: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cache = dirs
    src = own / "t.csv"
    src.write_bytes(b"a,c\n1,2\n")
    use(monkeypatch, tiny(DataFile("tiny/t.csv", ("a", "b"))))
    with pytest.raises(InputError) as err:
        fetching.import_file("tiny", src)
    msg = one_line(err)
    assert msg.startswith(f"tiny: {src} -> tiny/t.csv: columns differ: missing b; unexpected c")
    assert snapshot(cache) == {}


def test_import_checksum_mismatch_and_force(
    dirs: tuple[Path, Path], own: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    _, cache = dirs
    src = own / "t.csv"
    src.write_bytes(CSV2)
    use(monkeypatch, tiny(DataFile("tiny/t.csv", ("a", "b"), sha256=sha(CSV))))
    with pytest.raises(InputError) as err:
        fetching.import_file("tiny", src)
    assert "checksum mismatch" in one_line(err) and "--force" in str(err.value)
    assert snapshot(cache) == {}
    dest = fetching.import_file("tiny", src, force=True)
    assert dest.read_bytes() == CSV2
    assert "warning" in capsys.readouterr().err
    report = fetching.verify()
    [row] = report["datasets"][0]["files"]
    assert row["status"] == "checksum mismatch" and "--force" in row["detail"]
    assert report["ok"] is False


def test_import_gzip_mismatch(
    dirs: tuple[Path, Path], own: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = own / "g.csv"
    src.write_bytes(CSV)
    use(monkeypatch, tiny(DataFile("tiny/g.csv.gz", ("a", "b"))))
    with pytest.raises(InputError, match="expected a gzip-compressed file"):
        fetching.import_file("tiny", src)


def test_import_icb_accepts_only_the_development_split(dirs: tuple[Path, Path], own: Path) -> None:
    _, cache = dirs
    crises = registry.get_dataset("icb").file("icb/crises_dev.csv")
    src = own / "crises_dev.csv"
    src.write_text(",".join(crises.columns) + "\n" + ",".join("1" for _ in crises.columns) + "\n")
    for force in (False, True):
        with pytest.raises(InputError) as err:
            fetching.import_file("icb", src, force=force)
        msg = one_line(err)
        assert "checksum mismatch" in msg and "development split" in msg
    assert snapshot(cache) == {}


# --------------------------------------------------------------------------- verify


def test_verify_reports_ok_missing_and_mismatches(
    dirs: tuple[Path, Path], own: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(
        monkeypatch,
        tiny(
            DataFile("tiny/present.csv", ("a", "b"), sha256=sha(CSV)),
            DataFile("tiny/absent.csv", ("a", "b"), sha256=sha(CSV)),
        ),
    )
    report = fetching.verify()
    rows = {r["path"]: r for r in report["datasets"][0]["files"]}
    assert (
        rows["tiny/present.csv"]["where"] == "data dir"
        and rows["tiny/present.csv"]["status"] == "ok"
    )
    assert rows["tiny/absent.csv"]["status"] == "missing" and report["ok"] is True

    use(monkeypatch, tiny(DataFile("tiny/present.csv", ("a", "c"))))
    row = fetching.verify()["datasets"][0]["files"][0]
    assert row["status"] == "columns differ"

    use(monkeypatch, tiny(DataFile("tiny/present.csv", ("a", "b"), sha256=sha(CSV2))))
    assert fetching.verify()["ok"] is False

    def crosswalk(data_dir: Path | None) -> dict:
        return {"name": "crosswalk", "ok": False, "problems": ["x"]}

    use(monkeypatch, tiny(DataFile("tiny/present.csv", ("a", "b"), sha256=sha(CSV))))
    report = fetching.verify(checks=[crosswalk])
    assert report["crosswalk"]["problems"] == ["x"] and report["ok"] is False
    default = fetching.verify()  # the built-in crosswalk check skips a registry without UN data
    assert set(default) == {"datasets", "ok", "crosswalk"} and "skipped" in default["crosswalk"]


# --------------------------------------------------------------------------- CLI


def test_cli_fetch_verify_import(
    server: Server, dirs: tuple[Path, Path], own: Path, monkeypatch: pytest.MonkeyPatch, run_cli
) -> None:
    _, cache = dirs
    url = server.url("/t.csv")
    server.routes["/t.csv"] = Route(CSV)
    use(
        monkeypatch,
        tiny(DataFile("tiny/t.csv", ("a", "b"), url=url), DataFile("tiny/u.csv", ("a", "b"))),
    )
    code, out, _ = run_cli("data", "fetch", "tiny", "--format", "json")
    assert code == 0
    p = json.loads(out)
    assert p["files"] == [str(cache / "datasets" / "tiny" / "t.csv")]
    assert p["import_needed"] == ["tiny/u.csv"]

    del server.routes["/t.csv"]
    code, out, err = run_cli("data", "fetch", "tiny", "--force", "--format", "json")
    assert code == 2 and out == ""
    lines = [ln for ln in err.splitlines() if ln.startswith("collsec: error:")]
    assert lines == [f"collsec: error: tiny: {url}: HTTP error 404 (Not Found)"]

    src = own / "u.csv"
    src.write_bytes(b"x,y\n")
    code, _, err = run_cli("data", "import", "tiny", str(src), "--file", "tiny/u.csv")
    assert code == 2 and err.count("\n") == 1 and "columns differ" in err
    src.write_bytes(CSV2)
    code, out, _ = run_cli(
        "data", "import", "tiny", str(src), "--file", "tiny/u.csv", "--format", "json"
    )
    assert code == 0 and json.loads(out)["file"] == "tiny/u.csv"

    code, out, _ = run_cli("data", "verify", "--format", "json")
    assert code == 0 and json.loads(out)["ok"] is True
    (cache / "datasets" / "tiny" / "u.csv").write_bytes(b"a,b\n")
    use(monkeypatch, tiny(DataFile("tiny/u.csv", ("a", "b"), sha256=sha(CSV2))))
    code, out, _ = run_cli("data", "verify", "--format", "json")
    assert code == 1 and json.loads(out)["datasets"][0]["files"][0]["status"] == "checksum mismatch"
    code, out, err = run_cli("data", "verify")
    assert code == 1 and "FAILED" in out
    assert (
        err
        == "collsec: error: verify: 1 file(s) fail their checksum or columns (tiny:tiny/u.csv)\n"
    )


def test_cli_fetch_icb_refused(dirs: tuple[Path, Path], run_cli) -> None:
    code, out, err = run_cli("data", "fetch", "icb")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "evaluation crises are withheld" in err


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_data_dir_is_read_only_here(dirs: tuple[Path, Path]) -> None:
    data, _ = dirs
    assert not os.access(data, os.W_OK) or os.geteuid() == 0
