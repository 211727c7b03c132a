"""The lab's voting-power page: a built-in body in a year, or a reform a student writes.

Both compute with :func:`collsec.institutions.power.game_power`, the function behind
``collsec power --format json``, so the page and the command line cannot disagree.
A reform (veto holders, elected seats, a quota of affirmative votes) is written as
one weighted game (:func:`reform_game`), the game ``collsec power --quota Q
--weights-file FILE`` reads, so a student can check the page at a terminal.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from collsec.codes import member_name, resolve_member
from collsec.errors import CollsecError, InputError
from collsec.institutions import bodies_summary, load_body
from collsec.institutions.power import body_game_and_seats, game_power
from collsec.power import Game

__all__ = [
    "MAX_SEATS",
    "MAX_VETOES",
    "body_choices",
    "parse_reform",
    "reform_game",
    "reform_weights",
    "routes",
]

#: the largest reform the page computes: seats in all, and veto holders among them
MAX_SEATS = 60
MAX_VETOES = 20
#: what the page shows first: the Council of today's Charter
DEFAULT_BODY, DEFAULT_YEAR = "unsc", 2024
DEFAULT_VETOES, DEFAULT_ELECTED, DEFAULT_QUOTA = "CHN,FRA,GBR,RUS,USA", 10, 9
#: members drawn one bar each up to this many; beyond, members with equal power share a bar
CHART_EACH = 40


# -- a reform as a weighted game ------------------------------------------------------------


def reform_game(vetoes: list[str], elected: int, quota: int) -> Game:
    """A council of ``vetoes`` and ``elected`` seats that decides by ``quota`` yes votes,
    every veto holder among them, as the weighted game ``[Q; W x P, 1 x E]``.

    With ``P = len(vetoes)`` and ``E = elected``, each elected seat weighs 1, each veto
    holder ``W = E + 1``, and the quota is ``Q = P*W + (quota - P)``.

    Why this is the rule (``P <= quota <= P + E``). A coalition with ``p`` veto holders
    and ``e`` elected seats weighs ``p*W + e``.

    * All veto holders in (``p = P``): it weighs ``P*W + e``, which reaches ``Q`` exactly
      when ``e >= quota - P``, that is when its ``P + e`` yes votes are at least ``quota``.
    * One or more missing (``p <= P - 1``): it weighs at most ``(P-1)*W + E = P*W - 1``
      (since ``W = E + 1``), less than ``P*W``, which is at most ``Q`` (since
      ``quota >= P``): it loses, whatever the elected seats do.

    So a coalition wins if and only if every veto holder votes yes and there are at least
    ``quota`` yes votes: the rule of Art. 27(3) of the Charter with other numbers.
    ``tests/test_lab_pages.py`` checks it against enumeration of every coalition.

    Examples
    --------
    >>> g = reform_game(["CHN", "FRA", "GBR", "RUS", "USA"], 10, 9)
    >>> g.clauses, g.totals(), g.players[5:7]
    ((((0, 59),),), [65], ('E1', 'E2'))
    >>> g.is_winning(["CHN", "FRA", "GBR", "RUS", "USA", "E1", "E2", "E3", "E4"])
    True
    >>> g.is_winning(["FRA", "GBR", "RUS", "USA", *[f"E{i}" for i in range(1, 11)]])
    False
    """
    p = len(vetoes)
    w, q = reform_weights(p, elected, quota)
    players = [*vetoes, *(f"E{i}" for i in range(1, elected + 1))]
    weights = [w] * p + [1] * elected
    return Game.weighted(
        q, weights, players=players, name=f"reform[{p} vetoes, {elected} elected, {quota} votes]"
    )


def reform_weights(vetoes: int, elected: int, quota: int) -> tuple[int, int]:
    """``(W, Q)``: a veto holder's weight and the weighted quota (see :func:`reform_game`).

    >>> reform_weights(5, 10, 9)
    (11, 59)
    """
    w = elected + 1
    return w, vetoes * w + (quota - vetoes)


def _whole(text: str, what: str) -> int:
    t = (text or "").strip()
    if not re.fullmatch(r"[+-]?\d{1,9}", t):
        shown = t if len(t) <= 20 else t[:20] + "..."
        raise InputError(f"{shown!r} is not a whole number", source=what)
    return int(t)


def parse_reform(veto_text: str, elected_text: str, quota_text: str) -> tuple[list[str], int, int]:
    """The reform form's fields, checked: ``(veto holders, elected seats, quota)``.

    Every problem is one :class:`~collsec.errors.InputError` line.

    >>> parse_reform("chn, fra,GBR", "4", "5")
    (['CHN', 'FRA', 'GBR'], 4, 5)
    >>> parse_reform("CHN,XXX", "4", "5")
    Traceback (most recent call last):
    ...
    collsec.errors.InputError: veto holders: unknown member code 'XXX' (use ISO3, e.g. FRA, or cow:NNN)
    """
    tokens = [t.strip() for t in (veto_text or "").split(",") if t.strip()]
    if len(tokens) > MAX_VETOES:
        raise InputError(
            f"{len(tokens)} veto holders; the page computes at most {MAX_VETOES}",
            source="veto holders",
        )
    vetoes: list[str] = []
    for t in tokens:
        code = resolve_member(t[:20], source="veto holders")
        if code in vetoes:
            raise InputError(f"{code} is named twice", source="veto holders")
        vetoes.append(code)
    elected = _whole(elected_text, "elected seats")
    quota = _whole(quota_text, "quota")
    p = len(vetoes)
    if elected < 0:
        raise InputError(f"{elected} elected seats: cannot be negative", source="elected seats")
    if p + elected < 1:
        raise InputError("a council needs at least one seat", source="elected seats")
    if p + elected > MAX_SEATS:
        raise InputError(
            f"{p} veto holders and {elected} elected seats make {p + elected} seats; "
            f"the page computes at most {MAX_SEATS}",
            source="elected seats",
        )
    if quota > p + elected:
        raise InputError(
            f"{quota} votes required but the council has only {p + elected} seats",
            source="quota",
        )
    if quota < max(p, 1):
        why = (
            f"every one of the {p} veto holders must vote yes, so at least {p} votes are required"
            if p
            else "at least 1 vote is required"
        )
        raise InputError(f"{quota} vote{'s' if quota != 1 else ''} required: {why}", source="quota")
    return vetoes, elected, quota


# -- the bodies ---------------------------------------------------------------------------


@functools.cache
def body_choices() -> tuple[dict[str, str], ...]:
    """The bodies the form offers: each body (its version in force in the year), then the
    counterfactual variants by their charter id."""
    rows = bodies_summary()
    out: list[dict[str, str]] = []
    seen: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["variant"]:
            continue
        s = seen.setdefault(
            r["body"], {"first": r["valid_from"], "last": r["valid_to"], "title": r["title"]}
        )
        s["first"] = min(s["first"], r["valid_from"])
        s["last"] = (
            None if s["last"] is None or r["valid_to"] is None else max(s["last"], r["valid_to"])
        )
        s["title"] = r["title"]  # the latest version's title (rows go by date)
    for body, s in seen.items():
        until = s["last"][:4] if s["last"] else "today"
        title = re.sub(r"\s*\([^)]*\)\s*$", "", s["title"])  # a version's dates in brackets
        out.append(
            {"id": body, "label": f"{body}: {title} ({s['first'][:4]}-{until})", "group": "bodies"}
        )
    for r in rows:
        if r["variant"]:
            out.append({"id": r["id"], "label": f"{r['id']}: {r['title']}", "group": "variants"})
    return tuple(out)


def _body_power(body: str, year_text: str) -> dict[str, Any]:
    if body not in {c["id"] for c in body_choices()}:
        shown = body if len(body) <= 40 else body[:40] + "..."
        raise InputError(f"no built-in body {shown!r} (choose one from the list)", source="body")
    year = _whole(year_text, "year")
    if not 1800 <= year <= 2200:  # the range of `collsec power --year`
        raise InputError(f"year {year} is out of range", source="year")
    on = dt.date(year, 7, 1)  # as `--year`: 1 July
    council = load_body(body, on=on)
    game, seats = body_game_and_seats(council)
    result = game_power(game, "all", seats)
    return {
        "result": result,
        "game": game,
        "title": council.charter.title,
        "charter": council.charter.id,
        "instrument": council.charter.instrument,
        "on": on,
        "names": {m: member_name(m, on) for m in game.players},
        "cli": f"collsec power {body} --year {year}",
    }


def _reform_power(vetoes: list[str], elected: int, quota: int) -> dict[str, Any]:
    game = reform_game(vetoes, elected, quota)
    seats = {v: "veto holder" for v in vetoes} | {f"E{i}": "elected" for i in range(1, elected + 1)}
    result = game_power(game, "all", seats)
    w, q = reform_weights(len(vetoes), elected, quota)
    lines = [f"{w}  # P{i + 1} = {v} (veto)" for i, v in enumerate(vetoes)]
    lines += [f"1  # P{len(vetoes) + i} = E{i} (elected)" for i in range(1, elected + 1)]
    query = urlencode({"veto": ",".join(vetoes), "elected": elected, "quota": quota})
    return {
        "result": result,
        "game": game,
        "names": {v: member_name(v) for v in vetoes},
        "weight": w,
        "wquota": q,
        "weights_text": "\n".join(lines) + "\n",
        "weights_url": f"/power/reform/weights.txt?{query}",
        "cli": f"collsec power --quota {q} --weights-file reform-weights.txt",
    }


# -- the chart ------------------------------------------------------------------------------


def _bars(result: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(label, Shapley-Shubik, Banzhaf) per bar: each member, or members of equal power
    together when there are more than :data:`CHART_EACH`."""
    rows = result["members"]
    # the seat in the label where seats differ (permanent and elected, not all "member")
    seated = len({r.get("seat", "") for r in rows}) > 1
    if len(rows) <= CHART_EACH:
        return [
            (
                r["member"] + (f" ({r['seat']})" if seated and r.get("seat") else ""),
                r["shapley_shubik_float"],
                r["banzhaf_float"],
            )
            for r in rows
        ]
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["shapley_shubik"], r["banzhaf"]), []).append(r)
    out = []
    for members in groups.values():
        first = members[0]
        label = first["member"] if len(members) == 1 else f"{len(members)} members, each"
        if len(members) > 1:
            label += (
                " ("
                + ", ".join(m["member"] for m in members[:3])
                + (", ..." if len(members) > 3 else "")
                + ")"
            )
        out.append((label, first["shapley_shubik_float"], first["banzhaf_float"]))
    return out


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def power_chart(result: dict[str, Any], title: str) -> str:
    """Both indices of every member as horizontal bars: a PNG data URI."""
    # the object-oriented API (no pyplot): figures drawn in the server's threads share no state
    from matplotlib.figure import Figure

    bars = _bars(result)
    n = len(bars)
    fig = Figure(figsize=(9.6, 1.4 + 0.44 * n), layout="constrained")
    ax = fig.add_subplot()
    h = 0.38
    ys = list(range(n))
    ss = [b[1] for b in bars]
    bz = [b[2] for b in bars]
    ax.barh([y - h / 2 for y in ys], ss, height=h, color="#1f5fa8", label="Shapley-Shubik")
    ax.barh([y + h / 2 for y in ys], bz, height=h, color="#e0892b", label="Banzhaf (normalised)")
    top = max([*ss, *bz, 0.01])
    for y, a, b in zip(ys, ss, bz, strict=True):
        ax.text(a + top * 0.01, y - h / 2, f"{a:.4f}", va="center", fontsize=9, color="#1f3b63")
        ax.text(b + top * 0.01, y + h / 2, f"{b:.4f}", va="center", fontsize=9, color="#8a4b0f")
    ax.set_yticks(ys, [b[0] for b in bars], fontsize=10)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.18)
    ax.set_xlabel("share of voting power (each index sums to 1 over the members)")
    ax.set_title(title, loc="left", fontsize=12)
    fig.legend(loc="outside lower center", ncol=2, fontsize=10, frameon=False)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _png(fig)


# -- the pages ------------------------------------------------------------------------------


def _form(q: Any) -> dict[str, str]:
    return {
        "body": str(q.get("body", DEFAULT_BODY))[:60],
        "year": str(q.get("year", DEFAULT_YEAR))[:12],
        "veto": str(q.get("veto", DEFAULT_VETOES))[:400],
        "elected": str(q.get("elected", DEFAULT_ELECTED))[:12],
        "quota": str(q.get("quota", DEFAULT_QUOTA))[:12],
    }


def routes(page: Callable[..., Response], problem: Callable[..., Response]) -> list[Route]:
    """``/power`` (a body in a year), ``/power/reform`` and the reform's weights file."""

    def show(request: Request, mode: str, form: dict[str, str], **ctx: Any) -> Response:
        return page(
            request,
            "power.html",
            status=400 if ctx.get("error") else 200,
            mode=mode,
            form=form,
            bodies=body_choices(),
            max_seats=MAX_SEATS,
            max_vetoes=MAX_VETOES,
            **ctx,
        )

    def body_view(request: Request) -> Response:
        form = _form(request.query_params)
        try:
            got = _body_power(form["body"], form["year"])
        except CollsecError as err:
            return show(request, "body", form, error=str(err))
        rule = got["result"]["body"].rpartition(":")[2]
        title = f"{got['title']}, {got['on'].isoformat()} (rule: {rule})"
        return show(request, "body", form, got=got, chart=power_chart(got["result"], title))

    def reform_view(request: Request) -> Response:
        form = _form(request.query_params)
        try:
            vetoes, elected, quota = parse_reform(form["veto"], form["elected"], form["quota"])
            got = _reform_power(vetoes, elected, quota)
        except CollsecError as err:
            return show(request, "reform", form, error=str(err))
        title = f"{len(vetoes)} veto holders, {elected} elected seats, {quota} votes required"
        return show(request, "reform", form, got=got, chart=power_chart(got["result"], title))

    def weights_file(request: Request) -> Response:
        form = _form(request.query_params)
        try:
            got = _reform_power(*parse_reform(form["veto"], form["elected"], form["quota"]))
        except CollsecError as err:
            return problem(request, err, 400)
        head = (
            f"# collsec power --quota {got['wquota']} --weights-file reform-weights.txt\n"
            "# one weight per line, in the order P1, P2, ...\n"
        )
        return PlainTextResponse(
            head + got["weights_text"],
            headers={"Content-Disposition": 'attachment; filename="reform-weights.txt"'},
        )

    return [
        Route("/power", body_view),
        Route("/power/reform", reform_view),
        Route("/power/reform/weights.txt", weights_file),
    ]
