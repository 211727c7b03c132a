"""The lab's web application: server-rendered pages over the case model.

Starlette routes, Jinja2 templates and one small script (``static/lab.js``)
that watches a room and reloads its page when someone moves. Every page reads
without script: forms post and the server answers with the page. The model is
reached through :mod:`collsec.cases.play` (a play of a case) and the public
power and experiment APIs; the lab has no model of its own.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import secrets
import threading
from collections import OrderedDict
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from collsec import __version__, limits
from collsec.behavior.parameters import Parameters
from collsec.cases import builtin_case_ids, load_case
from collsec.cases.case import DEMANDS
from collsec.cases.play import FORUMS, GENERATED, MEASURE_WORDS, load_game, parse_draft
from collsec.crisis.kernel import LEVELS
from collsec.errors import CollsecError, InputError
from collsec.experiments.identity import code_files, sha256_of
from collsec.lab import pages
from collsec.lab.store import Room, Store, fingerprint

__all__ = ["create_app"]

HERE = files("collsec.lab")
COOKIE = "collsec_lab_{code}"
#: the plays kept in memory: reading a play again costs the model's votes on every draft
_CACHE_SIZE = 64
MAX_NAME = 40


@functools.cache
def _fingerprint(case_id: str) -> str:
    """What plays a room: the case's files (a generated crisis: its case's, and its
    seed), the model's parameters and its code."""
    base = case_id.partition(GENERATED)[0]
    c = load_case(base)
    parts = [p.read_bytes() for p in sorted(c.path.parent.glob(f"{base}.*")) if p.is_file()]
    parts.append(case_id.encode())
    params = sha256_of(Parameters.default().to_dict())
    return fingerprint(*parts, params.encode(), sha256_of(code_files()).encode())


class Lab:
    """The application's state: the store and the plays read from it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._plays: OrderedDict[tuple, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()  # pages are served from a pool of threads

    def play(self, room: Room) -> dict[str, Any]:
        key = (room.code, len(room.moves), tuple(sorted(room.seats)))
        with self._lock:
            if key in self._plays:
                return self._plays[key]
        game = load_game(room.case_id)
        play = game.state(room.moves, set(room.seats), seed=room.seed)
        with self._lock:
            self._plays[key] = play
            while len(self._plays) > _CACHE_SIZE:
                self._plays.popitem(last=False)
        return play


def create_app(store: Store | str | Path) -> Starlette:
    """The lab as an ASGI application over the rooms kept in ``store``."""
    lab = Lab(store if isinstance(store, Store) else Store(store))
    templates = Jinja2Templates(directory=str(HERE.joinpath("templates")))
    templates.env.globals.update(
        version=__version__,
        measure_words=MEASURE_WORDS,
        levels=LEVELS,
        demands=DEMANDS,
        forums=FORUMS,
        pct=lambda x: "" if x is None else f"{100 * x:.0f}%",
        num=lambda x, d=3: "" if x is None else f"{x:.{d}f}",
    )

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> Response:
        return templates.TemplateResponse(request, name, ctx, status_code=status)

    def problem(request: Request, err: CollsecError, status: int = 400) -> Response:
        return page(request, "error.html", status=status, message=str(err))

    # -- the case library and a first look -------------------------------------------------

    async def index(request: Request) -> Response:
        cases = []
        for cid in builtin_case_ids():
            c = load_case(cid, with_record=False)
            cases.append({"id": cid, "title": c.title, "year": c.trigger.date.year})
        cases.sort(key=lambda c: (c["year"], c["id"]))
        return page(request, "index.html", cases=cases, featured=FEATURED)

    def case_page(request: Request) -> Response:
        cid = request.path_params["case"]
        try:
            game = load_game(cid)
            sit = game.situation()
        except CollsecError as err:
            return problem(request, err, 404)
        return page(request, "case.html", sit=sit, game=game, next_seed=secrets.randbelow(10**6))

    def generate(request: Request) -> Response:
        """A crisis the model generates in a case's world: ``/case/<case>~<seed>``."""
        q = request.query_params
        seed = q.get("seed", "").strip()
        try:
            if not (seed.isascii() and seed.isdigit()):
                raise InputError(f"{seed!r} is not a seed (a whole number)", source="seed")
            limits.check("seed", int(seed), source="seed")
            game = load_game(f"{q.get('case', '')}{GENERATED}{int(seed)}")
        except CollsecError as err:
            return problem(request, err)
        return RedirectResponse(f"/case/{game.case.id}", 303)

    async def start(request: Request) -> Response:
        form = await request.form()
        cid, seat = str(form.get("case", "")), str(form.get("seat", ""))
        mode = str(form.get("mode", "solo"))
        try:
            game = load_game(cid)
            if mode == "solo" and seat not in game.seats:
                raise InputError(f"{seat!r} is not a seat of the Council", source="seat")
            room = lab.store.open_room(cid, model=_fingerprint(cid), solo=mode == "solo")
            if mode != "solo":
                return RedirectResponse(f"/room/{room.code}/admin/{room.secret}", 303)
            token = lab.store.take_seat(room.code, seat, "player")
        except CollsecError as err:
            return problem(request, err)
        resp = RedirectResponse(f"/room/{room.code}", 303)
        _set_seat_cookie(resp, room.code, token)
        return resp

    # -- a room ---------------------------------------------------------------------------

    def _room(request: Request) -> Room:
        return lab.store.room(request.path_params["code"])

    def _holder(request: Request, room: Room) -> str | None:
        return room.tokens.get(request.cookies.get(COOKIE.format(code=room.code), ""))

    def room_page(request: Request, error: str | None = None, form: dict | None = None) -> Response:
        try:
            room = _room(request)
        except CollsecError as err:
            return page(request, "join.html", status=404, error=str(err), room=None)
        seat = _holder(request, room)
        game = load_game(room.case_id)
        if seat is None and room.ended is None:
            free = [s for s in game.seats if s not in room.seats]
            return page(request, "join.html", room=room, game=game, free=free, error=error)
        ctx = _room_context(request, lab, room, game, seat, form or dict(request.query_params))
        return page(request, "room.html", status=400 if error else 200, error=error, **ctx)

    async def join(request: Request) -> Response:
        form = await request.form()
        try:
            room = _room(request)
            game = load_game(room.case_id)
            seat = str(form.get("seat", ""))
            name = " ".join(str(form.get("name", "")).split())[:MAX_NAME] or "student"
            if seat not in game.seats:
                raise InputError(f"{seat!r} is not a seat of this Council", source="seat")
            token = lab.store.take_seat(room.code, seat, name)
        except CollsecError as err:
            try:
                room = _room(request)
            except CollsecError:
                return page(request, "join.html", status=404, error=str(err), room=None)
            free = [s for s in load_game(room.case_id).seats if s not in room.seats]
            return page(
                request,
                "join.html",
                status=409,
                room=room,
                game=load_game(room.case_id),
                free=free,
                error=str(err),
            )
        resp = RedirectResponse(f"/room/{room.code}", 303)
        _set_seat_cookie(resp, room.code, token)
        return resp

    def back(request: Request) -> Response:
        """Come back to a seat from another browser (the link the room page shows)."""
        try:
            room = _room(request)
        except CollsecError as err:
            return problem(request, err, 404)
        token = request.path_params["token"]
        if token not in room.tokens:
            return problem(request, InputError("this link holds no seat", source="room"), 404)
        resp = RedirectResponse(f"/room/{room.code}", 303)
        _set_seat_cookie(resp, room.code, token)
        return resp

    async def move(request: Request) -> Response:
        form = await request.form()
        try:
            room = _room(request)
        except CollsecError as err:
            return problem(request, err, 404)
        seat = _holder(request, room)
        if seat is None:
            return problem(request, InputError("you hold no seat in this room", source="room"), 403)
        values = _form_dict(form)
        try:
            mv = _move_from_form(values, seat)
            load_game(room.case_id).state([*room.moves, mv], set(room.seats))
            lab.store.add_move(room, mv)
        except CollsecError as err:
            return room_page(request, error=str(err), form=values)
        return RedirectResponse(f"/room/{room.code}", 303)

    def state(request: Request) -> Response:
        try:
            room = _room(request)
        except CollsecError as err:
            return JSONResponse({"error": str(err)}, 404)
        return JSONResponse(
            {"code": room.code, "version": room.version, "ended": room.ended is not None}
        )

    # -- the instructor -------------------------------------------------------------------

    def _instructor(request: Request) -> Room:
        room = _room(request)
        key = request.path_params.get("secret") or request.query_params.get("key", "")
        if key != room.secret:
            raise InputError("this link is not the instructor's", source="room", field="key")
        return room

    def admin(request: Request) -> Response:
        try:
            room = _instructor(request)
        except CollsecError as err:
            return problem(request, err, 403)
        game = load_game(room.case_id)
        return page(
            request,
            "admin.html",
            room=room,
            game=game,
            play=lab.play(room),
            join_url=str(request.url_for("room", code=room.code)),
        )

    async def admin_action(request: Request) -> Response:
        try:
            room = _instructor(request)
            what = request.path_params["action"]
            if what == "end":
                lab.store.end(room.code)
            elif what == "close":
                mv = {"type": "close"}
                load_game(room.case_id).state([*room.moves, mv], set(room.seats))
                lab.store.add_move(room, mv)
            else:
                raise InputError(f"unknown action {what!r}", source="room")
        except CollsecError as err:
            return problem(request, err)
        return RedirectResponse(f"/room/{room.code}/admin/{room.secret}", 303)

    def transcript(request: Request) -> Response:
        try:
            room = _instructor(request)
        except CollsecError as err:
            return problem(request, err, 403)
        data = transcript_of(room, lab.play(room))
        fmt = request.path_params["fmt"]
        name = f"collsec-room-{room.code}"
        if fmt == "json":
            return Response(
                json.dumps(data, indent=1),
                media_type="application/json",
                headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
            )
        return PlainTextResponse(
            transcript_csv(data),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )

    async def not_found(request: Request, exc: Exception) -> Response:
        return page(request, "error.html", status=404, message=f"no page at {request.url.path}")

    routes = [
        Route("/", index),
        Route("/case/{case}", case_page),
        Route("/generate", generate),
        Route("/start", start, methods=["POST"]),
        Route("/join", lambda r: RedirectResponse(f"/room/{r.query_params.get('code', '')}", 303)),
        Route("/room/{code}", room_page, name="room"),
        Route("/room/{code}/join", join, methods=["POST"]),
        Route("/room/{code}/back/{token}", back),
        Route("/room/{code}/move", move, methods=["POST"]),
        Route("/room/{code}/state.json", state),
        Route("/room/{code}/admin/{secret}", admin),
        Route("/room/{code}/admin/{secret}/{action}", admin_action, methods=["POST"]),
        Route("/room/{code}/transcript.{fmt:str}", transcript),
        # the experiments' DuckDB files and reports: a directory beside the store
        *pages.routes(page, problem, workdir=lab.store.path.with_suffix(".experiments")),
        Mount("/static", StaticFiles(directory=str(HERE.joinpath("static"))), name="static"),
    ]
    return Starlette(routes=routes, exception_handlers={404: not_found})


#: the cases the first page puts forward
FEATURED = ("korea-1950", "gulf-1990", "rwanda-1994", "syria-2011", "ukraine-2022")


def _set_seat_cookie(resp: Response, code: str, token: str) -> None:
    resp.set_cookie(
        COOKIE.format(code=code), token, max_age=7 * 86400, httponly=True, samesite="lax"
    )


def _form_dict(form: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in ("type", "forum", "measure", "chapter", "vote"):
        v = form.get(k)
        if v is not None:
            out[k] = str(v)[:40]
    for k in ("names", "demands", "sponsors"):
        out[k] = [str(x)[:40] for x in form.getlist(k)][:200]
    return out


def _move_from_form(v: dict[str, Any], seat: str) -> dict[str, Any]:
    """A move of :mod:`collsec.cases.play` from a form of the room page."""
    kind = v.get("type", "")
    mv: dict[str, Any] = {"type": kind, "seat": seat}
    if kind == "table":
        mv["forum"] = v.get("forum", "council")
        mv["draft"] = {
            "measure": v.get("measure", ""),
            "chapter": v.get("chapter", ""),
            "names": v.get("names", []),
            "demands": v.get("demands", []),
            "sponsors": v.get("sponsors", []),
        }
        parse_draft(mv["draft"], source="draft")
        if v.get("vote"):
            mv["vote"] = v["vote"]
    elif kind == "vote":
        mv["vote"] = v.get("vote", "")
    return mv


def _room_context(
    request: Request, lab: Lab, room: Room, game: Any, seat: str | None, form: dict
) -> dict[str, Any]:
    play = lab.play(room)
    # the draft whose expected votes the page shows: the one on the table, a preview,
    # the last one tabled, or a first draft from the player's seat
    shown, label = None, ""
    if play["table"] is not None:
        shown, forum, label = (
            play["table"]["draft"],
            play["table"]["forum"],
            "the draft on the table",
        )
    elif form.get("preview"):
        try:
            shown = parse_draft(
                {
                    k: form.get(k, []) if k in ("names", "demands", "sponsors") else form.get(k, "")
                    for k in ("measure", "chapter", "names", "demands", "sponsors")
                },
                source="draft",
            ).model_dump(mode="json")
            forum, label = form.get("forum", "council"), "your draft (a preview: not tabled)"
        except CollsecError as err:
            shown, label, form = None, "", form | {"preview_error": str(err)}
    if shown is None and play["ballots"]:
        last = play["ballots"][-1]
        shown, forum, label = last["draft"], last["forum"], "the last draft tabled"
    if shown is None:
        shown = game.default_draft(seat or game.seats[0]).model_dump(mode="json")
        forum, label = "council", "a first draft from your seat"
    forum = forum if forum in FORUMS else "council"
    expected = game.vote(parse_draft(shown), forum if forum != "assembly" else "council")
    seats = {s["code"]: s for s in game.situation(seat or game.seats[0])["seats"]}
    last_council = next((b for b in reversed(play["ballots"]) if b["forum"] == "council"), None)
    can_ufp = bool(game.uniting_for_peace and last_council and last_council["vetoed_by"])
    draft_form = {
        "measure": form.get("measure") or shown["measure"],
        "chapter": form.get("chapter") or shown["chapter"],
        "names": form.get("names") or shown["names"],
        "demands": form.get("demands") or shown["demands"],
        "sponsors": form.get("sponsors") or shown["sponsors"],
    }
    return {
        "room": room,
        "game": game,
        "seat": seat,
        "play": play,
        "expected": expected,
        "expected_label": label,
        "seats": seats,
        "can_ufp": can_ufp,
        "last_vetoed": last_council,
        "draft_form": draft_form,
        "preview_error": form.get("preview_error"),
        "back_url": None
        if seat is None
        else str(request.url_for("room", code=room.code))
        + "/back/"
        + next(t for t, s in room.tokens.items() if s == seat),
        "actors": sorted(game.names.items(), key=lambda kv: kv[1]),
        "query": urlencode,
    }


def transcript_of(room: Room, play: dict[str, Any]) -> dict[str, Any]:
    """Every draft, vote and reason of a room, with what made them."""
    return {
        "room": room.code,
        "case": room.case_id,
        "seed": room.seed,
        "created": room.created.isoformat(),
        "ended": room.ended.isoformat() if room.ended else None,
        "collsec": room.collsec,
        "model": room.model,
        "seats": room.seats,
        "moves": room.moves,
        "ballots": play["ballots"],
        "outcome": play.get("outcome"),
        "record": play.get("record"),
    }


def transcript_csv(t: dict[str, Any]) -> str:
    """One row per vote of every ballot of a transcript."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        ["room", "ballot", "forum", "draft", "tabled_by", "member", "vote", "by",
         "p_yes", "p_no", "p_abstain", "why", "adopted", "reason"]
    )  # fmt: skip
    for i, b in enumerate(t["ballots"], start=1):
        for m, v in b["votes"].items():
            w.writerow(
                [t["room"], i, b["forum"], b["words"], b.get("tabled_by", ""), m, v["vote"],
                 v.get("by", "model"), v["p_yes"], v["p_no"], v["p_abstain"], v["why"],
                 b["adopted"], b["reason"]]
            )  # fmt: skip
    return buf.getvalue()
