"""The lab in a real browser: Debian's headless chromium driven through playwright.

Whole plays (the Gulf War as the United States, Syria as France), a veto followed by
Uniting for Peace, a room with two students and the model; what the page shows is
checked against ``collsec play --format json`` on the same moves. These tests fail,
never skip, when chromium is missing (tests/conftest.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from collsec.cases.play import load_game

TIMEOUT = 20_000  # ms: a page that reloads itself when a room moves polls every 1.5 s
SHOTS = Path(__file__).resolve().parents[1] / "docs" / "img"


def shot(page, name: str) -> None:
    """Screenshots for docs/lab.md, only when asked (COLLSEC_LAB_SCREENSHOTS=1)."""
    if os.environ.get("COLLSEC_LAB_SCREENSHOTS") == "1":
        page.screenshot(path=str(SHOTS / f"lab-{name}.png"), full_page=True)


def start_solo(page, base: str, case: str, seat: str) -> None:
    page.goto(f"{base}/case/{case}")
    page.check(f"input[name=seat][value={seat}]")
    page.click("button[value=solo]")
    page.wait_for_selector("#draft-form")


def set_boxes(page, name: str, values) -> None:
    for box in page.query_selector_all(f"#draft-form input[name={name}]"):
        want = box.get_attribute("value") in values
        if box.is_checked() != want:
            box.set_checked(want)


def table(page, *, measure, chapter, names, demands, sponsors, vote="yes", forum="council"):
    page.select_option("#draft-form select[name=forum]", forum)
    page.select_option("#draft-form select[name=measure]", measure)
    page.check(f"#draft-form input[name=chapter][value={chapter}]")
    set_boxes(page, "names", names)
    set_boxes(page, "demands", demands)
    set_boxes(page, "sponsors", sponsors)
    page.select_option("#draft-form select[name=vote]", vote)
    with page.expect_navigation():
        page.click("#draft-form button.primary")


def ballots_on(page) -> list[dict]:
    """Each ballot as the page shows it: its reason and the members of each vote."""
    out = []
    for art in page.query_selector_all("article.ballot"):
        lists = {}
        for p in art.query_selector_all("p.list"):
            label, _, names = p.text_content().partition(": ")
            lists[label.lower()] = sorted(
                x.strip().rstrip("*") for x in names.split(",") if x.strip() not in ("", "-")
            )
        out.append({"reason": art.query_selector("p.reason").inner_text(), "lists": lists})
    return out


def href(page, selector: str) -> str:
    """A link's absolute address."""
    return page.eval_on_selector(selector, "a => a.href")


def transcript(page) -> dict:
    return page.context.request.get(href(page, "#transcript-json")).json()


def check_against_cli(page, case: str, run_cli, tmp_path: Path) -> dict:
    """The page's ballots and outcome are those of `collsec play` on the room's moves."""
    t = transcript(page)
    f = tmp_path / f"{case}.json"
    f.write_text(json.dumps(t))
    code, out, err = run_cli("play", case, "--moves", str(f), "--format", "json")
    assert code == 0, err
    cli = json.loads(out)["play"]
    shown = ballots_on(page)
    assert len(shown) == len(cli["ballots"])
    for s, b in zip(shown, cli["ballots"], strict=True):
        assert s["reason"] == b["reason"]
        for vote in ("yes", "no", "abstain"):
            assert s["lists"][vote] == sorted(m for m, v in b["votes"].items() if v["vote"] == vote)
    if cli["over"]:
        o = cli["outcome"]
        assert page.inner_text("#institution") == o["institution"]
        assert page.inner_text("#success") == ("succeeded" if o["success"] else "failed")
        assert float(page.inner_text("#credibility")) == o["credibility_after"]
    return cli


def test_the_gulf_war_as_the_united_states(lab_server, browser, run_cli, tmp_path) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(lab_server.url + "/")
    shot(page, "index")
    page.goto(lab_server.url + "/case/gulf-1990")
    # the Council of 2 August 1990 and its exact power, as `collsec play` gives them
    code, out, err = run_cli("play", "gulf-1990", "--format", "json")
    assert code == 0, err
    want = {s["code"]: f"{s['shapley_shubik']:.3f}" for s in json.loads(out)["seats"]}
    rows = page.query_selector_all("table.council tbody tr")
    got = {r.get_attribute("data-member"): r.query_selector_all("td")[2].inner_text() for r in rows}
    assert got == want and len(got) == 15
    shot(page, "case")
    start_solo(page, lab_server.url, "gulf-1990", "USA")
    shot(page, "room")
    assert page.inner_text("#my-seat") == "USA"
    # a malformed draft: a clear message, and nothing tabled
    table(
        page, measure="art42", chapter="VI", names=["IRQ"], demands=["withdrawal"], sponsors=["USA"]
    )
    assert "art42 is a Chapter VII measure" in page.inner_text("#error")
    assert page.query_selector_all("article.ballot") == []
    sponsors = ["USA", "GBR", "FRA", "CAN", "CIV", "COL", "ETH", "FIN", "MYS"]
    # condemnation and a demand to withdraw (as res. 660), sanctions (661), force (678)
    table(
        page,
        measure="chapter_vi",
        chapter="VII",
        names=["IRQ"],
        demands=["withdrawal"],
        sponsors=sponsors,
    )
    table(
        page,
        measure="art41",
        chapter="VII",
        names=["IRQ"],
        demands=["withdrawal"],
        sponsors=sponsors,
    )
    table(
        page,
        measure="art42",
        chapter="VII",
        names=["IRQ"],
        demands=["withdrawal"],
        sponsors=sponsors,
    )
    shown = ballots_on(page)
    assert shown[-1]["reason"].startswith("adopted: ")
    with page.expect_navigation():
        page.click("#conclude")
    shot(page, "outcome")
    cli = check_against_cli(page, "gulf-1990", run_cli, tmp_path)
    assert cli["outcome"]["responder"] == "council" and cli["outcome"]["lead"] == "USA"
    assert "acted" in page.inner_text("#outcome")  # the record: the Council acted
    page.close()


def test_syria_as_france(lab_server, browser, run_cli, tmp_path) -> None:
    page = browser.new_page()
    start_solo(page, lab_server.url, "syria-2011", "FRA")
    # the record is there when the player asks for it
    page.click("#record summary")
    assert "S/2011/612" in page.inner_text("#record")
    base = dict(names=["SYR"], sponsors=["FRA", "GBR", "DEU", "PRT"])
    table(page, measure="chapter_vi", chapter="VI", demands=["ceasefire", "access"], **base)
    table(page, measure="art41", chapter="VII", demands=["ceasefire", "accountability"], **base)
    with page.expect_navigation():
        page.click("#conclude")
    check_against_cli(page, "syria-2011", run_cli, tmp_path)
    assert "paralysed" in page.inner_text("#outcome")  # the record's class for Syria
    page.close()


def test_a_veto_then_uniting_for_peace(lab_server, browser, run_cli, tmp_path) -> None:
    """Ukraine 2022: Russia vetoes a draft naming it; the vetoed draft goes to the
    General Assembly under Uniting for Peace."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    start_solo(page, lab_server.url, "ukraine-2022", "USA")
    assert page.query_selector("#ufp-form") is None  # no veto yet
    table(
        page,
        measure="chapter_vi",
        chapter="VII",
        names=["RUS"],
        demands=["withdrawal"],
        sponsors=["USA", "ALB"],
    )
    first = ballots_on(page)[0]
    assert first["reason"].startswith("vetoed by") and "RUS" in first["lists"]["no"]
    with page.expect_navigation():
        page.click("#ufp-form button")
    shot(page, "uniting-for-peace")
    ga = ballots_on(page)[1]
    assert "required" in ga["reason"]
    with page.expect_navigation():
        page.click("#conclude")
    cli = check_against_cli(page, "ukraine-2022", run_cli, tmp_path)
    assert cli["ballots"][1]["forum"] == "assembly"
    assert cli["outcome"]["responder"] == ("ga" if cli["ballots"][1]["adopted"] else "self_defence")
    page.close()


def test_a_room_with_two_students_and_the_model(lab_server, browser, run_cli, tmp_path) -> None:
    base = lab_server.url
    teacher = browser.new_context().new_page()
    teacher.goto(f"{base}/case/gulf-1990")
    with teacher.expect_navigation():
        teacher.click("button[value=room]")
    code = teacher.inner_text("#room-code")
    admin_url = teacher.url
    shot(teacher, "instructor")
    ann_ctx, bo_ctx = browser.new_context(), browser.new_context()
    ann, bo = ann_ctx.new_page(), bo_ctx.new_page()
    # Ann joins by the code from the first page, Bo by the link
    ann.goto(base + "/")
    ann.fill("input[name=code]", code)
    with ann.expect_navigation():
        ann.click("form[action='/join'] button")
    ann.fill("input[name=name]", "Ann")
    ann.check("input[name=seat][value=USA]")
    with ann.expect_navigation():
        ann.click("button[type=submit]")
    bo.goto(f"{base}/room/{code}")
    assert bo.query_selector("input[name=seat][value=USA]") is None  # taken: not offered
    bo.fill("input[name=name]", "Bo")
    bo.check("input[name=seat][value=SUN]")
    with bo.expect_navigation():
        bo.click("button[type=submit]")
    assert bo.inner_text("#my-seat") == "SUN"
    # two people cannot hold one seat: a form posted for a seat already taken
    r = browser.new_context().request.post(
        f"{base}/room/{code}/join", form={"seat": "USA", "name": "Cy"}
    )
    assert r.status == 409 and "USA is taken" in r.text()
    # Ann tables force against Iraq; Bo's page shows it by itself and asks for his vote
    table(
        ann,
        measure="art42",
        chapter="VII",
        names=["IRQ"],
        demands=["withdrawal"],
        sponsors=["USA", "GBR"],
    )
    assert "SUN" in ann.inner_text("#waiting")
    bo.wait_for_selector("#on-the-table .vote-form", timeout=TIMEOUT)
    shot(bo, "student-vote")
    with bo.expect_navigation():
        bo.click(".vote-form button[value=abstain]")
    # everyone sees the same adjudication
    ann.wait_for_selector("article.ballot", timeout=TIMEOUT)
    teacher.wait_for_selector("text=adopted", timeout=TIMEOUT)
    assert ballots_on(ann) == ballots_on(bo)
    assert "SUN" in ballots_on(bo)[0]["lists"]["abstain"]
    # a student who closes the tab comes back to the seat
    bo.close()
    bo = bo_ctx.new_page()
    bo.goto(f"{base}/room/{code}")
    assert bo.inner_text("#my-seat") == "SUN"
    # a server restart loses nothing
    lab_server.restart()
    ann.goto(f"{base}/room/{code}")
    assert ann.inner_text("#my-seat") == "USA" and len(ballots_on(ann)) == 1
    # only the instructor ends the room and downloads the transcript
    assert ann.query_selector("#end-room") is None
    teacher.goto(admin_url)
    with teacher.expect_navigation():
        teacher.click("#end-room")
    t = teacher.context.request.get(href(teacher, "#transcript-json")).json()
    assert t["seats"] == {"USA": "Ann", "SUN": "Bo"} and len(t["ballots"]) == 1
    assert t["ballots"][0]["votes"]["SUN"] == t["ballots"][0]["votes"]["SUN"] | {
        "vote": "abstain",
        "by": "player",
    }
    csv_text = teacher.context.request.get(href(teacher, "#transcript-csv")).text()
    assert csv_text.count("\n") == 1 + 15
    f = tmp_path / "room.json"
    f.write_text(json.dumps(t))
    code_, out, err = run_cli("play", "gulf-1990", "--moves", str(f), "--format", "json")
    assert code_ == 0, err
    assert json.loads(out)["play"]["ballots"] == t["ballots"]
    ann.goto(f"{base}/room/{code}")
    assert "This room has ended" in ann.inner_text("main")
    for ctx in (ann_ctx, bo_ctx, teacher.context):
        ctx.close()


def test_an_unknown_room_code(lab_server, browser) -> None:
    page = browser.new_page()
    page.goto(lab_server.url + "/")
    page.fill("input[name=code]", "QQQQQQ")
    with page.expect_navigation():
        page.click("form[action='/join'] button")
    assert "no room with the code 'QQQQQQ'" in page.inner_text("[role=alert]")
    page.close()


@pytest.mark.validate
@pytest.mark.parametrize(
    ("case", "seat"),
    [
        (c, s)
        for c in ("korea-1950", "rwanda-1994", "syria-2011", "ukraine-2022")
        for s in ("CHN", "GBR")
    ]
    + [("gulf-1990", "SUN"), ("gulf-1990", "YEM"), ("korea-1950", "SUN")],
)
def test_every_featured_case_from_several_seats(lab_server, browser, run_cli, tmp_path, case, seat):
    """Longer play-throughs (make validate): the first draft, a sanctions draft, the end."""
    page = browser.new_page()
    start_solo(page, lab_server.url, case, seat)
    with page.expect_navigation():
        page.click("#draft-form button.primary")  # the first draft as the page proposes it
    acc = load_game(case).case.trigger.accused
    names = [acc] if seat != acc else []
    sponsors = [seat] if seat != acc else [next(s for s in load_game(case).seats if s != acc)]
    table(
        page, measure="art41", chapter="VII", names=names, demands=["ceasefire"], sponsors=sponsors
    )
    with page.expect_navigation():
        page.click("#conclude")
    check_against_cli(page, case, run_cli, tmp_path)
    page.close()


@pytest.mark.validate
def test_a_dropped_connection_is_shown_and_recovers(lab_server, browser) -> None:
    page = browser.new_page()
    start_solo(page, lab_server.url, "korea-1950", "USA")
    lab_server.stop()
    page.wait_for_selector("#live:not([hidden])", timeout=TIMEOUT)
    assert "connection to the lab is lost" in page.inner_text("#live")
    lab_server.start(lab_server.port)
    page.wait_for_selector("#live[hidden]", state="attached", timeout=TIMEOUT)
    page.close()
