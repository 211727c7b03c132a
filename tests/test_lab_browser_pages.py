"""The lab's voting-power and experiment pages in Debian's headless chromium.

The forms are filled and submitted as a student would; the tables read from the page
are checked against ``collsec power ... --format json``. With
``COLLSEC_LAB_SCREENSHOTS=1`` the test also saves the screenshots shown in docs
(``docs/img/lab-power.png``, ``lab-reform.png``, ``lab-experiment.png``); without it,
it writes nothing into the repository.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = os.environ.get("COLLSEC_LAB_SCREENSHOTS") == "1"
WIDTH = 1200
#: the screenshots are kept below this size in the repository
MAX_PNG = 250_000

#: the rows of the power table as the page shows them
READ_TABLE = """rows => rows.map(tr => {
  const out = {member: tr.dataset.member};
  for (const td of tr.querySelectorAll('td[data-key]')) {
    out[td.dataset.key] = td.dataset.value || td.textContent.trim();
  }
  return out;
})"""


@pytest.fixture(scope="module")
def page(browser):
    ctx = browser.new_context(viewport={"width": WIDTH, "height": 900})
    p = ctx.new_page()
    p.set_default_timeout(20_000)
    yield p
    ctx.close()


def screenshot(page, name: str) -> None:
    """A full-page screenshot into docs/img, made small (a palette of 256 colours)."""
    if not SHOTS:
        return
    from PIL import Image

    png = page.screenshot(full_page=True)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    out = ROOT / "docs" / "img" / name
    img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)
    assert out.stat().st_size < MAX_PNG, f"{out} is {out.stat().st_size} bytes"


def read_table(page) -> list[dict[str, str]]:
    return page.eval_on_selector_all("#power-table tbody tr", READ_TABLE)


def check_against(rows: list[dict[str, str]], members: list[dict]) -> None:
    assert [r["member"] for r in rows] == [m["member"] for m in members]
    for r, m in zip(rows, members, strict=True):
        assert r["seat"] == m["seat"]
        for k in ("shapley_shubik", "banzhaf"):
            assert r[k] == m[k]
            assert float(r[f"{k}_float"]) == m[f"{k}_float"]
        assert int(r["swings"]) == m["swings"]


def test_power_page_in_a_browser(lab_server, page, run_cli):
    page.goto(f"{lab_server.url}/power")
    page.select_option("#body", "unsc")
    page.fill("#year", "1990")
    with page.expect_navigation():
        page.click("#body-form button[type=submit]")
    assert "body=unsc" in page.url and "year=1990" in page.url
    rows = read_table(page)
    code, out, _ = run_cli("power", "unsc", "--year", "1990", "--format", "json")
    assert code == 0
    cli = json.loads(out)
    check_against(rows, cli["members"])
    assert page.inner_text("#cli") == "collsec power unsc --year 1990"
    assert float(page.get_attribute("#coleman", "data-value")) == cli["coleman_power_to_act_float"]
    # the chart is drawn and shown
    assert page.eval_on_selector("#power-chart", "img => img.naturalWidth") > 500
    screenshot(page, "lab-power.png")

    # a reform: the Council of 1990 written by hand gives the same numbers
    page.fill("#veto", "CHN, FRA, GBR, SUN, USA")
    page.fill("#elected", "10")
    page.fill("#quota", "9")
    with page.expect_navigation():
        page.click("#reform-form button[type=submit]")
    reform = read_table(page)
    assert [r["member"] for r in reform[:5]] == ["CHN", "FRA", "GBR", "SUN", "USA"]
    by_seat = {m["seat"]: m for m in cli["members"]}
    for r in reform:
        ref = by_seat["permanent" if r["seat"] == "veto holder" else "elected"]
        assert (r["shapley_shubik"], r["banzhaf"]) == (ref["shapley_shubik"], ref["banzhaf"])
    assert reform[0]["shapley_shubik"] == "421/2145" and reform[5]["shapley_shubik"] == "4/2145"
    assert "--quota 59" in page.inner_text("#cli")
    screenshot(page, "lab-reform.png")

    # a reform the page cannot compute: one line, and the form to correct it
    page.fill("#quota", "4")
    with page.expect_navigation():
        page.click("#reform-form button[type=submit]")
    msg = page.inner_text("#error")
    assert "at least 5 votes are required" in msg and "\n" not in msg
    assert page.locator("#power-table").count() == 0


def test_experiment_page_in_a_browser(lab_server, page):
    page.goto(f"{lab_server.url}/experiment")
    page.check("#exp-veto-variants")
    # the form's defaults: a small run of 20 replications x 10 years (a few seconds)
    assert page.input_value("input[name=replications]") == "20"
    assert page.input_value("input[name=years]") == "10"
    with page.expect_navigation():
        page.click("#experiment-form button[type=submit]")
    assert "/experiment/" in page.url
    # the running page reloads itself (a meta refresh, no script) until the run is done
    assert page.locator("#progress").count() == 1
    page.wait_for_selector("#done", timeout=60_000)
    for img in ("#dist-png", "#diff-png"):
        assert page.eval_on_selector(img, "i => i.complete && i.naturalWidth") > 500
    assert page.locator("#means tbody tr").count() == 8
    assert page.locator("#diffs thead th").count() == 5  # metric + 4 designs vs charter
    screenshot(page, "lab-experiment.png")
    with page.expect_navigation():
        page.click("#report-link")
    assert page.url.endswith("/report.html")
    assert page.locator("h2", has_text="Designs side by side").count() == 1
