"""Read the UN Security Council's record of decisions.

Two sources, both read-only, from the data directory or the cache (see :mod:`collsec.data.registry`):

* ``unsc/actions/scactYYYY_table_en.html`` (1946-2022, plus
  ``scact2020_covid_table_en.html`` for the 2020 videoconference votes): the Dag
  Hammarskjöld Library's yearly "Security Council meetings and outcomes" pages.
  :func:`load_actions` turns them into one row per *decision*: every adopted
  resolution and every draft resolution that failed (vetoed or short of votes);
  :func:`load_meetings` into one row per agenda item taken up at a meeting,
  with or without a decision.
* ``unsc/vetoes_1946_2022.csv``: every vetoed draft with the vetoing members.
  :func:`load_vetoes` reads it.

The HTML is hand-edited over seven decades, so the parser works on the *text* of
each row, not on its markup: cells spanning several rows (``rowspan``) are
repeated, empty meeting/date cells inherit the previous row's, and the outcome
cell is cut into decisions at every resolution symbol, every "Draft resolution"
and every bare draft symbol followed by "vetoed"/"not adopted". Column meanings
and every judgement call are documented in ``docs/unsc-record.md``.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pandas as pd

from collsec.data.registry import locate, locate_folder
from collsec.errors import InputError

__all__ = [
    "ACTION_COLUMNS",
    "MEETING_COLUMNS",
    "MEMBER_CODES",
    "VETO_COLUMNS",
    "document_symbol",
    "load_actions",
    "load_meetings",
    "load_vetoes",
    "parse_actions_html",
    "parse_outcome",
    "permanent_member_code",
]

ACTIONS_DIR = "unsc/actions"
VETOES_FILE = "unsc/vetoes_1946_2022.csv"

#: Columns of :func:`load_actions`, in order.
ACTION_COLUMNS = [
    "symbol",
    "kind",
    "res_number",
    "date",
    "meeting",
    "topic",
    "outcome",
    "vetoed_by",
    "yes",
    "no",
    "abstain",
    "absent_or_np",
    "unanimous",
    "without_vote",
    "preliminary_question",
    "procedural",
    "raw",
    "source_file",
    "note",
]

#: Columns of :func:`load_vetoes` that the parser adds to the CSV's own.
VETO_COLUMNS = ["date", "draft", "meeting_record", "agenda_item", "vetoed_by"]

#: ISO 3166 alpha-3 codes of the permanent members (SUN: the USSR until 24 Dec 1991).
MEMBER_CODES = {
    "ussr": "SUN",
    "soviet union": "SUN",
    "union of soviet socialist republics": "SUN",
    "russian federation": "RUS",
    "russia": "RUS",
    "usa": "USA",
    "us": "USA",
    "united states": "USA",
    "united states of america": "USA",
    "uk": "GBR",
    "united kingdom": "GBR",
    "united kingdom of great britain and northern ireland": "GBR",
    "france": "FRA",
    "china": "CHN",
}

_MONTHS = {
    m[:3].lower(): i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "a": 1, "an": 1}

_WS = re.compile(r"\s+")
_FILE_YEAR = re.compile(r"scact(\d{4})(?:_[a-z]+)?_table_en\.html$")
_RES = re.compile(r"S\s*/\s*RES\s*/\s*(\d+)\s*(?:\(\s*(\d{4})\s*\))?", re.I)
_DRAFT_LEAD = re.compile(r"(?:Power Four\s*)?draft\s*resolution(?:s(?!\s*/))?", re.I)
# A document symbol: S/1894, S/PV.303, S/2022/155, S/15255/Rev.2, S/3188/Corr.1 ...
_SYMBOL = re.compile(r"S/(?:PV\.)?\d+(?:/\d+)?(?:/(?:Rev|Add|Corr)\.\d+)*", re.I)
_BARE_DRAFT = re.compile(
    r"\(?(" + _SYMBOL.pattern + r")\)?(?:\s*(?:and|&)\s*Corr\.\s*\d+)*\s*"
    r"(?:was\s+)?(?:not\s+adopted|vetoed|failed|rejected)",
    re.I,
)
_OTHER = re.compile(
    r"S/PRST/|\(PRST\)|Communiqu|\bNote\b|\bLetter\b|\bElection\b|\bDecision\b|\bReferral\b",
    re.I,
)
_STATEMENT = re.compile(r"S/PRST/|\(PRST\)|(?<![/(])\bPRST\b(?![/)])")
_TALLY = re.compile(r"(?<![\d/.])(\d{1,2})\s*[-–]\s*(\d{1,2})\s*[-–]\s*(\d{1,2})(?![\d/])")
_VETO = re.compile(r"vetoed\s*by\s*(.*?)(?=\d{1,2}\s*[-–]\s*\d|$)", re.I)
_NOT_ADOPTED = re.compile(
    r"not\s+adopted|failed|rejected|did not obtain|required majority|not carried", re.I
)
_ABSENT = re.compile(
    r"\(\s*(\d+|one|two|three|four|five|a)\s+(?:members?\s+)?(?:was\s+|were\s+)?absent\s*\)",
    re.I,
)
_NOT_PARTICIPATING = re.compile(
    r"\(\s*(?:(\d+|one|two|three|four|five)\s+members?|([^()]*?))\s+"
    r"(?:did|does)\s+not\s+participate[^)]*\)",
    re.I,
)


def permanent_member_code(name: str) -> str | None:
    """ISO3 code of a permanent member from a name as the pages write it, else ``None``.

    >>> permanent_member_code("the Russian Federation"), permanent_member_code("USSR")
    ('RUS', 'SUN')
    """
    key = _WS.sub(" ", name).strip().strip(".,;:()").strip().lower()
    key = re.sub(r"^the\s+", "", key)
    return MEMBER_CODES.get(key)


def document_symbol(text: str) -> str | None:
    """The first UN document symbol in ``text`` ("S/471 and S/471/Add.1" -> "S/471"), else None."""
    m = _SYMBOL.search(text or "")
    return m.group(0) if m else None


# --------------------------------------------------------------------------- outcome text


@dataclass
class ParsedDecision:
    """One decision cut out of an outcome cell (before meeting/date are attached)."""

    kind: str  # "resolution" | "draft"
    symbol: str | None
    outcome: str  # "adopted" | "vetoed" | "not_adopted"
    raw: str
    res_number: int | None = None
    res_year: int | None = None
    vetoed_by: list[str] = field(default_factory=list)
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    absent_or_np: int | None = None
    unanimous: bool = False
    without_vote: bool = False
    preliminary_question: bool = False
    procedural: bool = False
    notes: list[str] = field(default_factory=list)


def _count_word(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _absent_or_np(text: str) -> int | None:
    total = None
    for m in _ABSENT.finditer(text):
        total = (total or 0) + _count_word(m.group(1))
    for m in _NOT_PARTICIPATING.finditer(text):
        if m.group(1):
            n = _count_word(m.group(1))
        else:  # "(France did not participate ...)", "(X and Y did not ...)"
            names = [p for p in re.split(r",|\band\b", m.group(2)) if p.strip()]
            n = max(1, len(names))
        total = (total or 0) + n
    return total


def _split_points(text: str) -> list[tuple[int, str]]:
    """Start offsets of the pieces of an outcome cell, with their type."""
    cands: list[tuple[int, str]] = []
    cands += [(m.start(), "resolution") for m in _RES.finditer(text)]
    cands += [(m.start(), "draft") for m in _DRAFT_LEAD.finditer(text)]
    cands += [(m.start(), "bare") for m in _BARE_DRAFT.finditer(text)]
    cands += [(m.start(), "other") for m in _OTHER.finditer(text)]
    cands += [(m.start(), "other") for m in re.finditer(r"\+", text)]
    cands.sort()
    points: list[tuple[int, str]] = []
    for pos, typ in cands:
        if points and points[-1][0] == pos:
            continue
        if typ == "bare" and points:
            start, cur = points[-1]
            if cur in ("draft", "bare") and not (
                _TALLY.search(text, start, pos) or re.search(r"vetoed|adopted", text[start:pos])
            ):
                continue  # the symbol belongs to the draft being read ("S/507 & S/516 ...")
        if typ == "other" and points and points[-1][1] in ("draft", "bare"):
            start, _ = points[-1]
            if not (
                _TALLY.search(text, start, pos) or re.search(r"vetoed|adopted", text[start:pos])
            ):
                # "(PRST)" etc. cannot interrupt a draft that has no outcome yet
                continue
        points.append((pos, typ))
    if not points or points[0][0] > 0:
        points.insert(0, (0, "other"))
    return points


def _lead(text: str) -> str:
    m = _DRAFT_LEAD.match(text)
    return m.group(0) if m else ""


def _tally(piece: str) -> tuple[int, int, int] | None:
    m = _TALLY.search(piece)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _vetoers(piece: str, notes: list[str]) -> list[str]:
    m = _VETO.search(piece)
    if not m:
        return []
    names = re.sub(r"\(.*?\)", " ", m.group(1))
    codes: list[str] = []
    for part in re.split(r",|&|\band\b|/", names):
        part = part.strip()
        if not part:
            continue
        code = permanent_member_code(part)
        if code is None:
            notes.append(f"unknown vetoing member {part!r}")
        elif code not in codes:
            codes.append(code)
    if not codes:
        notes.append("vetoed, but no permanent member named")
    return codes


def parse_outcome(text: str) -> tuple[list[ParsedDecision], int]:
    """Cut an outcome cell's text into decisions.

    Returns the decisions and the number of presidential statements in the cell
    (those are not decisions of the kind audited here, but are counted).

    >>> [d.symbol for d in parse_outcome("S/RES/89 (1950) 9-0-2 Draft resolution S/1894 "
    ...                                  "vetoed by USSR 9-1-0")[0]]
    ['S/RES/89 (1950)', 'S/1894']
    """
    text = _WS.sub(" ", text or "").strip()
    statements = len(_STATEMENT.findall(text))
    if not text or text in {"--", "-", "—"}:
        return [], statements
    points = _split_points(text)
    decisions: list[ParsedDecision] = []
    for i, (start, typ) in enumerate(points):
        end = points[i + 1][0] if i + 1 < len(points) else len(text)
        piece = re.sub(r"(?:\s+(?:and|&))+$", "", text[start:end].strip(" +&,;"))
        if not piece:
            continue
        if typ == "resolution":
            decisions.append(_resolution(piece))
        elif typ in ("draft", "bare"):
            decisions.append(_draft(piece))
        elif typ == "other" and re.fullmatch(r"\(?\s*" + _TALLY.pattern + r".*", piece):
            # a bare tally: the page lists every adopted resolution by number, so a tally
            # with no symbol records a draft that failed (S/PV.8823, 22 July 2021)
            d = _draft(piece)
            d.outcome = "not_adopted"
            d.notes.append("tally without a symbol or outcome: a failed draft is inferred")
            decisions.append(d)
    return decisions, statements


def _resolution(piece: str) -> ParsedDecision:
    m = _RES.match(piece)
    assert m is not None
    number = int(m.group(1))
    year = int(m.group(2)) if m.group(2) else None
    rest = piece[m.end() :]
    d = ParsedDecision(
        kind="resolution",
        symbol=f"S/RES/{number} ({year})" if year else f"S/RES/{number}",
        outcome="adopted",
        raw=piece,
        res_number=number,
        res_year=year,
    )
    t = _tally(rest)
    if t:
        d.yes, d.no, d.abstain = t
    d.unanimous = bool(re.search(r"unanimous", rest, re.I))
    d.without_vote = bool(re.search(r"without\s+(?:a\s+)?vote|by\s+consensus", rest, re.I))
    d.absent_or_np = _absent_or_np(rest)
    d.procedural = bool(re.search(r"procedural", rest, re.I))
    if year is None:
        d.notes.append("resolution symbol without year")
    if _NOT_ADOPTED.search(rest) or re.search(r"vetoed", rest, re.I):
        d.notes.append("resolution symbol with a failing outcome")
    return d


def _draft(piece: str) -> ParsedDecision:
    notes: list[str] = []
    body = piece[len(_lead(piece)) :]
    sym = _SYMBOL.search(body)
    # only take the symbol if it comes before the outcome words
    verb = re.search(r"vetoed|not\s+adopted|adopted|failed|rejected", body, re.I)
    symbol = sym.group(0) if sym and (verb is None or sym.start() < verb.start()) else None
    if re.search(r"vetoed", piece, re.I):
        outcome = "vetoed"
    elif _NOT_ADOPTED.search(piece):
        outcome = "not_adopted"
    else:
        outcome = "not_adopted"
        if symbol is not None:
            notes.append("draft without an outcome: not adopted assumed")
    d = ParsedDecision(kind="draft", symbol=symbol, outcome=outcome, raw=piece, notes=notes)
    t = _tally(piece)
    if t:
        d.yes, d.no, d.abstain = t
    if outcome == "vetoed":
        d.vetoed_by = _vetoers(piece, d.notes)
    d.preliminary_question = bool(re.search(r"preliminary\s+question", piece, re.I))
    d.procedural = bool(re.search(r"procedural", piece, re.I)) and not d.preliminary_question
    d.absent_or_np = _absent_or_np(piece)
    d.unanimous = bool(re.search(r"unanimous", piece, re.I))
    if symbol is None and outcome != "not_adopted":
        d.notes.append("draft without a document symbol")
    return d


# --------------------------------------------------------------------------- HTML pages


def _cell_text(cell: lxml.html.HtmlElement) -> str:
    for br in cell.iter("br"):
        br.tail = " " + (br.tail or "")
    return _WS.sub(" ", cell.text_content()).strip()


def _day_month(text: str, year: int) -> tuple[_dt.date | None, str | None]:
    """``"30 November"`` -> date; ranges ("14-15 October", "22/23 November") use the first day."""
    m = re.search(r"(\d{1,2})\b(?:\s*(?:[-/+&]|and)\s*\d{1,2})?\s*([A-Za-z]{3})", text)
    if not m:
        return None, None
    month = _MONTHS.get(m.group(2).lower())
    if month is None:
        return None, None
    try:
        day = _dt.date(year, month, int(m.group(1)))
    except ValueError:
        return None, None
    note = None
    if re.search(r"\d\s*(?:[-/+&]|and)\s*\d", text):
        note = f"meeting dated {text!r}: first day used"
    return day, note


def _rows(doc: lxml.html.HtmlElement) -> Iterator[list[lxml.html.HtmlElement | None]]:
    """Body rows of the meetings table as lists of cells (rowspans expanded)."""
    header: list[str] | None = None
    pending: dict[int, tuple[lxml.html.HtmlElement, int]] = {}
    for tr in doc.iter("tr"):
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if header is None:
            texts = [_WS.sub(" ", c.text_content()).strip().lower() for c in cells]
            if any("outcome" in t for t in texts) and any(t.startswith("date") for t in texts):
                header = texts
            continue
        if not cells:
            continue
        ncols = len(header)
        row: list[lxml.html.HtmlElement | None] = [None] * ncols
        for i, (cell, left) in list(pending.items()):
            row[i] = cell
            if left <= 1:
                del pending[i]
            else:
                pending[i] = (cell, left - 1)
        free = [i for i in range(ncols) if row[i] is None]
        if len(cells) < len(free) and len(free) == ncols:
            # a short row without rowspan above it: the cells are the last columns
            free = free[ncols - len(cells) :] if len(cells) <= 2 else free
        extra: list[lxml.html.HtmlElement] = []
        for j, cell in enumerate(cells):
            if j < len(free):
                row[free[j]] = cell
                try:
                    span = int(cell.get("rowspan") or 1)
                except ValueError:
                    span = 1
                if span > 1:
                    pending[free[j]] = (cell, span - 1)
            else:
                extra.append(cell)
        yield [*row, *extra]


@dataclass
class _Columns:
    meeting: int
    date: int
    topic: int
    outcome: int


def _columns(doc: lxml.html.HtmlElement, source: str) -> _Columns:
    for tr in doc.iter("tr"):
        texts = [
            _WS.sub(" ", c.text_content()).strip().lower()
            for c in tr
            if isinstance(c.tag, str) and c.tag in ("td", "th")
        ]
        if any("outcome" in t for t in texts) and any(t.startswith("date") for t in texts):

            def find(word: str, texts: list[str] = texts) -> int:
                for i, t in enumerate(texts):
                    if t.startswith(word) or word in t:
                        return i
                raise InputError(f"no {word!r} column in the header", source=source)

            return _Columns(find("meeting"), find("date"), find("topic"), find("outcome"))
    raise InputError("no meetings table (header with Date and Outcome) found", source=source)


def parse_actions_html(
    html: str | bytes, year: int, *, source_file: str = "<html>"
) -> tuple[list[dict], dict]:
    """Parse one yearly page into decision records (dicts with :data:`ACTION_COLUMNS`).

    ``year`` dates the meetings (the page gives "30 November", not the year).
    Also returns ``{"presidential_statements": int, "repeated_rows": [...],
    "meetings": [...]}``: a table row repeated verbatim (same meeting, date, topic
    and outcome) records one decision, so its copies are skipped and listed there;
    ``meetings`` has one dict per (meeting, date, topic) row, decided or not
    (:func:`load_meetings`).
    """
    if isinstance(html, str):
        html = html.encode("utf-8")
    try:
        doc = lxml.html.fromstring(html)
    except Exception as err:  # lxml raises ParserError / XMLSyntaxError on empty input
        raise InputError(f"not an HTML page ({err})", source=source_file) from err
    cols = _columns(doc, source_file)
    records: list[dict] = []
    statements = 0
    meeting: str | None = None
    date: _dt.date | None = None
    date_note: str | None = None
    seen: set[tuple] = set()
    repeated: list[dict] = []
    meetings: dict[tuple, dict] = {}
    for row in _rows(doc):
        texts = [_cell_text(c) if c is not None else "" for c in row]
        if len(texts) <= cols.outcome:
            continue
        m_text = texts[cols.meeting]
        d_text = texts[cols.date]
        if d_text:
            date, date_note = _day_month(d_text, year)
            mm = re.search(r"S/PV\.\s*\d+", m_text)
            meeting = mm.group(0).replace(" ", "") if mm else None
        elif m_text:
            mm = re.search(r"S/PV\.\s*\d+", m_text)
            meeting = mm.group(0).replace(" ", "") if mm else None
        outcome_text = " ".join(t for t in texts[cols.outcome :] if t and t != "--")
        decisions, n_st = parse_outcome(outcome_text) if outcome_text else ([], 0)
        if date is not None and texts[cols.topic]:
            item = meetings.setdefault(
                (meeting, date, texts[cols.topic]),
                {"date": date, "meeting": meeting, "topic": texts[cols.topic], "decisions": 0},
            )
        if not outcome_text:
            continue
        row_key = (meeting, date, texts[cols.topic], outcome_text)
        if row_key in seen and decisions:
            repeated += [
                {
                    "symbol": d.symbol,
                    "date": date.isoformat() if date else None,
                    "meeting": meeting,
                    "source_file": source_file,
                }
                for d in decisions
            ]
            continue
        seen.add(row_key)
        statements += n_st
        if date is not None and texts[cols.topic]:
            item["decisions"] += len(decisions)
        for d in decisions:
            notes = list(d.notes)
            if date_note:
                notes.append(date_note)
            if date is None:
                notes.append(f"no meeting date could be read from {d_text!r}")
            symbol = d.symbol
            if d.kind == "resolution" and d.res_year != year:
                # a resolution is dated by the meeting that adopts it: the page's year wins
                if d.res_year is not None:
                    notes.append(f"page writes {d.symbol} at a {year} meeting")
                symbol = f"S/RES/{d.res_number} ({year})"
            records.append(
                {
                    "symbol": symbol,
                    "kind": d.kind,
                    "res_number": d.res_number,
                    "date": date,
                    "meeting": meeting,
                    "topic": texts[cols.topic] or None,
                    "outcome": d.outcome,
                    "vetoed_by": list(d.vetoed_by),
                    "yes": d.yes,
                    "no": d.no,
                    "abstain": d.abstain,
                    "absent_or_np": d.absent_or_np,
                    "unanimous": d.unanimous,
                    "without_vote": d.without_vote,
                    "preliminary_question": d.preliminary_question,
                    "procedural": d.procedural,
                    "raw": d.raw,
                    "source_file": source_file,
                    "note": "; ".join(notes) or None,
                }
            )
    meta = {
        "presidential_statements": statements,
        "repeated_rows": repeated,
        "meetings": [{**m, "source_file": source_file} for m in meetings.values()],
    }
    return records, meta


def _frame(records: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(records, columns=ACTION_COLUMNS)
    for col in ("res_number", "yes", "no", "abstain", "absent_or_np"):
        df[col] = pd.array(df[col].tolist(), dtype="Int64")
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    for col in ("unanimous", "without_vote", "preliminary_question", "procedural"):
        df[col] = df[col].astype(bool)
    for col in ("symbol", "kind", "meeting", "topic", "outcome", "raw", "source_file", "note"):
        df[col] = df[col].astype("string")
    return df


def _parsed_pages(data_dir: str | os.PathLike[str] | None) -> Iterator[tuple[list[dict], dict]]:
    """:func:`parse_actions_html` of every yearly page in the data directory, in order."""
    folder = locate_folder("unsc_actions", ACTIONS_DIR, data_dir=data_dir)
    files = _action_files(folder)
    if not files:
        raise InputError("no scactYYYY_table_en.html pages", source=str(folder))
    for year, path in files:
        yield parse_actions_html(path.read_bytes(), year, source_file=path.name)


def _action_files(folder: Path) -> list[tuple[int, Path]]:
    files = []
    for path in sorted(folder.glob("scact*_table_en.html")):
        m = _FILE_YEAR.search(path.name)
        if m:  # scact_veto_table_en.html has no year: it is the veto list, not a year
            files.append((int(m.group(1)), path))
    return files


def load_actions(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One row per Security Council decision, 1946-2022, from the yearly pages.

    A decision is an adopted resolution or a draft resolution put to the vote that
    failed (``outcome`` "vetoed" or "not_adopted"). Rows are in date order.
    Presidential statements are not decisions; their count is in
    ``df.attrs["presidential_statements"]``. See ``docs/unsc-record.md`` for columns.

    Raises
    ------
    DataMissingError
        If ``unsc/actions`` is not in the data directory.
    InputError
        If a page has no recognisable meetings table.
    """
    records: list[dict] = []
    statements = 0
    repeated: list[dict] = []
    for recs, meta in _parsed_pages(data_dir):
        records += recs
        statements += meta["presidential_statements"]
        repeated += meta["repeated_rows"]
    df = _frame(records)
    df = df.sort_values(["date", "res_number"], kind="stable", na_position="last")
    df = df.reset_index(drop=True)
    df.attrs["presidential_statements"] = statements
    df.attrs["repeated_rows"] = repeated
    return df


#: Columns of :func:`load_meetings`, in order.
MEETING_COLUMNS = ["date", "meeting", "topic", "decisions", "source_file"]


def load_meetings(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One row per agenda item taken up at a Council meeting, 1946-2022.

    The yearly pages list every meeting, not only those that decided something:
    ``decisions`` counts the resolutions and failed drafts of the row (0 for a
    meeting that only discussed the item, heard a presidential statement or
    adopted its agenda). Rows without a readable date or topic are left out.
    Rows are in date order.

    Raises
    ------
    DataMissingError
        If ``unsc/actions`` is not in the data directory.
    InputError
        If a page has no recognisable meetings table.
    """
    rows = [m for _, meta in _parsed_pages(data_dir) for m in meta["meetings"]]
    df = pd.DataFrame.from_records(rows, columns=MEETING_COLUMNS)
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    df["decisions"] = df["decisions"].astype("int64")
    for col in ("meeting", "topic", "source_file"):
        df[col] = df[col].astype("string")
    return df.sort_values("date", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- veto list


def load_vetoes(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The veto list: one row per vetoed draft, with ``vetoed_by`` as ISO3 codes.

    ``date`` is parsed (month/day/year) to datetime64; ``vetoed_by`` comes from
    ``member_veto1..3`` (the per-country 0/1 columns are incomplete and not used).
    """
    path = locate("unsc_vetoes", VETOES_FILE, data_dir=data_dir)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise InputError(f"unreadable CSV ({err})", source=str(path)) from err
    need = ["date", "draft", "member_veto1", "member_veto2", "member_veto3"]
    for col in need:
        if col not in df.columns:
            raise InputError("column missing", source=str(path), field=col)
    dates = pd.to_datetime(df["date"], format="%m/%d/%Y", errors="coerce")
    bad = dates.isna()
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"not a month/day/year date: {df['date'].iloc[i]!r}",
            source=str(path),
            field=f"date (line {i + 2})",
        )
    vetoed_by: list[list[str]] = []
    for i, row in enumerate(df[["member_veto1", "member_veto2", "member_veto3"]].itertuples()):
        codes = []
        for name in row[1:]:
            if not name.strip():
                continue
            code = permanent_member_code(name)
            if code is None:
                raise InputError(
                    f"not a permanent member: {name!r}",
                    source=str(path),
                    field=f"member_veto (line {i + 2})",
                )
            codes.append(code)
        if not codes:
            raise InputError(
                "no vetoing member", source=str(path), field=f"member_veto1 (line {i + 2})"
            )
        vetoed_by.append(codes)
    df["date"] = dates
    df["vetoed_by"] = vetoed_by
    df["draft"] = df["draft"].str.strip()
    return df
