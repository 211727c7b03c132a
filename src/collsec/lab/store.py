"""The lab's rooms in one embedded DuckDB file: rooms, seats and moves.

A room's play is its list of moves (:mod:`collsec.cases.play`); the page reads
the play from them every time, so a server restart loses nothing that was
kept, and a finished room can be read again later (its transcript). One
connection, one lock: the lab is one process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from collsec import __version__, limits
from collsec.errors import InputError

__all__ = ["Room", "Store"]

#: room codes: six letters and digits a class can read aloud (no 0/O, 1/I/L)
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (
    code VARCHAR PRIMARY KEY,
    secret VARCHAR NOT NULL,
    case_id VARCHAR NOT NULL,
    seed BIGINT NOT NULL,
    solo BOOLEAN NOT NULL,
    created TIMESTAMP NOT NULL,
    ended TIMESTAMP,
    collsec VARCHAR NOT NULL,
    model VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS seats (
    code VARCHAR NOT NULL,
    seat VARCHAR NOT NULL,
    token VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    taken TIMESTAMP NOT NULL,
    PRIMARY KEY (code, seat)
);
CREATE TABLE IF NOT EXISTS moves (
    code VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    made TIMESTAMP NOT NULL,
    move VARCHAR NOT NULL,
    PRIMARY KEY (code, seq)
);
"""


@dataclass(frozen=True)
class Room:
    code: str
    secret: str
    case_id: str
    seed: int
    solo: bool
    created: dt.datetime
    ended: dt.datetime | None
    collsec: str
    model: str
    seats: dict[str, str]  # seat -> the name its holder gave
    tokens: dict[str, str]  # token -> seat
    moves: list[dict[str, Any]]

    @property
    def version(self) -> str:
        """Changes whenever anything anyone sees changes (a seat, a move, the end)."""
        return f"{len(self.moves)}.{len(self.seats)}.{int(self.ended is not None)}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


class Store:
    """Rooms, seats and moves in the DuckDB file ``path``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._con = duckdb.connect(str(self.path))
            self._con.execute(_SCHEMA)
        except (duckdb.Error, OSError) as e:
            raise InputError(
                f"cannot open the lab's store ({str(e).splitlines()[0]})",
                source=str(self.path),
                field="--store",
            ) from None
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._con.close()

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            if not self._con.execute("SELECT 1 FROM rooms WHERE code = ?", [code]).fetchone():
                return code

    def open_room(self, case_id: str, *, model: str, solo: bool, seed: int | None = None) -> Room:
        """A new room on ``case_id``; ``model`` is the fingerprint of what plays it."""
        with self._lock:
            code = self._new_code()
            secret = secrets.token_urlsafe(18)
            seed = (
                secrets.randbelow(2**31)
                if seed is None
                else limits.check("seed", seed, source="seed")
            )
            self._con.execute(
                "INSERT INTO rooms VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)",
                [code, secret, case_id, seed, solo, _now(), __version__, model],
            )
        return self.room(code)

    def room(self, code: str) -> Room:
        """The room ``code`` with its seats and moves; an unknown code is refused."""
        code = (code or "").strip().upper()
        with self._lock:
            row = self._con.execute(
                "SELECT code, secret, case_id, seed, solo, created, ended, collsec, model "
                "FROM rooms WHERE code = ?",
                [code],
            ).fetchone()
            if row is None:
                raise InputError(f"no room with the code {code!r}", source="room", field="code")
            seats = self._con.execute(
                "SELECT seat, token, name FROM seats WHERE code = ? ORDER BY taken, seat", [code]
            ).fetchall()
            moves = self._con.execute(
                "SELECT move FROM moves WHERE code = ? ORDER BY seq", [code]
            ).fetchall()
        return Room(
            *row,
            seats={s: n for s, _, n in seats},
            tokens={t: s for s, t, _ in seats},
            moves=[json.loads(m) for (m,) in moves],
        )

    def take_seat(self, code: str, seat: str, name: str) -> str:
        """Seat ``seat`` for a player called ``name``; the token that holds it."""
        token = secrets.token_urlsafe(18)
        with self._lock:
            ended = self._con.execute("SELECT ended FROM rooms WHERE code = ?", [code]).fetchone()
            if ended is None:
                raise InputError(f"no room with the code {code!r}", source="room", field="code")
            if ended[0] is not None:
                raise InputError("the room has ended", source="room", field="seat")
            try:
                self._con.execute(
                    "INSERT INTO seats VALUES (?, ?, ?, ?, ?)", [code, seat, token, name, _now()]
                )
            except duckdb.ConstraintException:
                raise InputError(
                    f"{seat} is taken: choose a free seat", source="room", field="seat"
                ) from None
        return token

    def add_move(self, room: Room, move: dict[str, Any]) -> None:
        """Keep ``move`` as the next of ``room`` (checked by the caller against the same
        moves): refused if another move came first or the room has ended."""
        limits.check("moves", len(room.moves) + 1, source=f"room {room.code}", field="moves")
        with self._lock:
            row = self._con.execute(
                "SELECT ended, (SELECT count(*) FROM moves WHERE code = ?) FROM rooms "
                "WHERE code = ?",
                [room.code, room.code],
            ).fetchone()
            if row is None or row[0] is not None:
                raise InputError("the room has ended", source=f"room {room.code}", field="moves")
            if row[1] != len(room.moves):
                raise InputError(
                    "someone moved first: the page shows the room as it is now",
                    source=f"room {room.code}",
                    field="moves",
                )
            self._con.execute(
                "INSERT INTO moves VALUES (?, ?, ?, ?)",
                [room.code, len(room.moves), _now(), json.dumps(move, sort_keys=True)],
            )

    def end(self, code: str) -> None:
        with self._lock:
            self._con.execute(
                "UPDATE rooms SET ended = ? WHERE code = ? AND ended IS NULL", [_now(), code]
            )

    def rooms(self) -> list[dict[str, Any]]:
        """Every room kept, newest first (for ``collsec lab --rooms``)."""
        with self._lock:
            rows = self._con.execute(
                "SELECT r.code, r.case_id, r.solo, r.created, r.ended, "
                "(SELECT count(*) FROM moves m WHERE m.code = r.code), "
                "(SELECT count(*) FROM seats s WHERE s.code = r.code) "
                "FROM rooms r ORDER BY r.created DESC, r.code"
            ).fetchall()
        keys = ("code", "case", "solo", "created", "ended", "moves", "players")
        return [
            {
                k: (v.isoformat() if isinstance(v, dt.datetime) else v)
                for k, v in zip(keys, r, strict=True)
            }
            for r in rows
        ]


def fingerprint(*parts: bytes) -> str:
    """What a room's play was made with: the hash of the case's files and the model's
    parameters, kept with the room (a transcript says what made it)."""
    h = hashlib.sha256()
    for p in parts:
        h.update(hashlib.sha256(p).digest())
    return h.hexdigest()[:16]
