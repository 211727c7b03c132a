"""The lab's server without a browser: pages read without script, rooms, seats, faults."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import socket
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from collsec.cases.play import load_game
from collsec.errors import InputError
from collsec.lab.app import create_app
from collsec.lab.serve import is_loopback
from collsec.lab.store import ALPHABET, CODE_LENGTH, Store

F678 = {
    "type": "table",
    "forum": "council",
    "measure": "art42",
    "chapter": "VII",
    "names": ["IRQ"],
    "demands": ["withdrawal"],
    "sponsors": ["USA", "GBR", "FRA", "CAN"],
    "vote": "yes",
}


@pytest.fixture
def lab(tmp_path: Path):
    store = Store(tmp_path / "lab.duckdb")
    with TestClient(create_app(store)) as client:
        yield client, store
    store.close()


def _solo(client: TestClient, case: str, seat: str) -> str:
    r = client.post(
        "/start", data={"case": case, "seat": seat, "mode": "solo"}, follow_redirects=False
    )
    assert r.status_code == 303
    return r.headers["location"]


def _errors(text: str) -> list[str]:
    return [html.unescape(x) for x in re.findall(r'role="alert"[^>]*>([^<]*)<', text)]


def test_the_first_pages_are_rendered_by_the_server(lab) -> None:
    """Without script: the case list, the Council and its power are in the HTML."""
    client, _ = lab
    page = client.get("/").text
    for case in ("korea-1950", "gulf-1990", "rwanda-1994", "syria-2011", "ukraine-2022"):
        assert f'href="/case/{case}"' in page
    page = client.get("/case/gulf-1990").text
    assert "Iraq" in page and "0.196" in page and "permanent (veto)" in page


def test_every_asset_is_served_by_the_lab(lab) -> None:
    """Offline: no page refers to anything it does not serve itself."""
    client, _ = lab
    room = _solo(client, "gulf-1990", "USA")
    for path in ("/", "/case/gulf-1990", room):
        page = client.get(path).text
        refs = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert refs
        for ref in refs:
            assert (
                not ref.startswith(("http:", "https:", "//"))
                or "127.0.0.1" in ref
                or "testserver" in ref
            ), ref
            if ref.startswith("/static/"):
                assert client.get(ref).status_code == 200


def test_a_malformed_draft_changes_nothing(lab) -> None:
    client, store = lab
    room = _solo(client, "gulf-1990", "USA")
    code = room.rsplit("/", 1)[1]
    bad = F678 | {"chapter": "VI"}
    r = client.post(room + "/move", data=bad)
    assert r.status_code == 400
    assert _errors(r.text) == ["draft: art42 is a Chapter VII measure: choose chapter VII"]
    assert store.room(code).moves == []
    r = client.post(room + "/move", data=F678 | {"sponsors": [], "vote": "yes"})
    assert r.status_code == 400 and "at least one sponsor" in _errors(r.text)[0]
    r = client.post(room + "/move", data={"type": "table", "forum": "council"})
    assert r.status_code == 400 and store.room(code).moves == []


def test_a_solo_play_and_its_transcript(lab) -> None:
    client, store = lab
    room = _solo(client, "gulf-1990", "USA")
    code = room.rsplit("/", 1)[1]
    assert client.post(room + "/move", data=F678).status_code == 200
    page = client.post(room + "/move", data={"type": "conclude"}).text
    assert 'id="institution">acted<' in page
    r = store.room(code)
    # only the secret link gives the transcript
    assert client.get(f"/room/{code}/transcript.json").status_code == 403
    t = client.get(f"/room/{code}/transcript.json?key={r.secret}").json()
    assert t["moves"] == r.moves and t["seats"] == {"USA": "player"} and t["seed"] == r.seed
    want = load_game("gulf-1990").state(r.moves, {"USA"}, seed=r.seed)
    assert t["ballots"] == json.loads(json.dumps(want["ballots"]))
    assert t["outcome"]["institution"] == "acted" and t["collsec"] and t["model"]
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/room/{code}/transcript.csv?key={r.secret}").text))
    )
    assert len(rows) == 15 and {x["member"] for x in rows} == set(load_game("gulf-1990").seats)
    assert {x["by"] for x in rows} == {"player", "model"}
    assert rows[0]["reason"] == t["ballots"][0]["reason"]


def test_a_class_room(lab) -> None:
    """Codes, free seats, a taken seat refused, the instructor's secret link."""
    client, store = lab
    r = client.post("/start", data={"case": "syria-2011", "mode": "room"}, follow_redirects=False)
    admin = r.headers["location"]
    code = re.match(r"/room/(\w+)/admin/", admin).group(1)
    assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
    assert code in client.get(admin).text
    student = TestClient(client.app)
    other = TestClient(client.app)
    assert "Take a free seat" in student.get(f"/room/{code}").text
    assert (
        student.post(f"/room/{code}/join", data={"seat": "FRA", "name": "Ann"}).status_code == 200
    )
    r = other.post(f"/room/{code}/join", data={"seat": "FRA", "name": "Bo"})
    assert r.status_code == 409 and "FRA is taken" in _errors(r.text)[0]
    other.post(f"/room/{code}/join", data={"seat": "GBR", "name": "Bo"})
    assert store.room(code).seats == {"FRA": "Ann", "GBR": "Bo"}
    # an unknown room code, and a wrong instructor's key
    r = student.get("/room/ZZZZZZ")
    assert r.status_code == 404 and "no room with the code 'ZZZZZZ'" in html.unescape(r.text)
    assert student.get(f"/room/{code}/admin/wrong").status_code == 403
    assert student.post(f"/room/{code}/admin/wrong/end").status_code == 400
    # the instructor ends the room: no more moves, the record kept
    client.post(admin + "/end")
    r = student.post(f"/room/{code}/move", data={"type": "conclude"})
    assert "the room has ended" in _errors(r.text)[0]
    assert store.room(code).ended is not None


def test_rooms_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "lab.duckdb"
    s1 = Store(path)
    room = s1.open_room("gulf-1990", model="m", solo=True, seed=5)
    s1.take_seat(room.code, "USA", "player")
    s1.add_move(s1.room(room.code), {"type": "conclude", "seat": "USA"})
    s1.close()
    s2 = Store(path)
    r = s2.room(room.code)
    assert r.moves == [{"type": "conclude", "seat": "USA"}] and r.seats == {"USA": "player"}
    # a move made on a stale view of the room is refused (someone moved first)
    stale = s2.room(room.code)
    s2.add_move(stale, {"type": "x"})
    with pytest.raises(InputError, match="someone moved first"):
        s2.add_move(stale, {"type": "y"})
    s2.close()


def test_a_store_that_is_not_duckdb_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "lab.duckdb"
    bad.write_bytes(b"\x00garbage" * 100)
    with pytest.raises(InputError, match="cannot open the lab's store") as err:
        Store(bad)
    assert "\n" not in str(err.value)


def test_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


def test_lab_help_without_its_extra(monkeypatch, run_cli) -> None:
    """`collsec lab --help` works without the extra; the command says how to install it."""
    import collsec.cli.lab as cli_lab

    monkeypatch.setattr(cli_lab.importlib.util, "find_spec", lambda name: None)
    code, out, _ = run_cli("lab", "--help")
    assert code == 0 and "collsec[lab]" in out
    code, out, err = run_cli("lab", "--no-browser")
    assert code == 2 and out == ""
    assert "pip install 'collsec[lab]'" in err and err.count("\n") == 1


def test_lab_refuses_a_port_in_use_and_bad_options(run_cli, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        code, _, err = run_cli(
            "lab", "--no-browser", "--port", str(port), "--store", str(tmp_path / "l.duckdb")
        )
    assert code == 2 and f"cannot serve on 127.0.0.1:{port}" in err and err.count("\n") == 1
    for args, message in (
        (("--port", "70000"), "--port: must be between 0 and 65535"),
        (("--port", "-1"), "--port: must be between 0 and 65535"),
        (("--host", "no.such.host.invalid"), "--host: cannot resolve"),
    ):
        code, _, err = run_cli("lab", "--no-browser", "--store", str(tmp_path / "l.duckdb"), *args)
        assert code == 2 and message in err and err.count("\n") == 1, err


def test_a_generated_crisis(lab) -> None:
    client, _ = lab
    r = client.get("/generate?case=gulf-1990&seed=5", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/case/gulf-1990~5"
    page = client.get("/case/gulf-1990~5").text
    assert "A generated crisis" in page and "no record" in page
    room = _solo(client, "gulf-1990~5", "FRA")
    page = client.post(room + "/move", data={"type": "conclude"}).text
    assert 'id="outcome"' in page and "has no record" in page
    for bad in ("seed=x", "seed=-1", "seed=99999999999999999999", "seed=1&case=nope"):
        r = client.get(
            f"/generate?case=gulf-1990&{bad}" if "case" not in bad else f"/generate?{bad}"
        )
        assert r.status_code == 400 and len(_errors(r.text)) == 1
