"""The workspace on a busy shift (issue 15, professional items 7, 8 and 9), in headless Chromium.

* the case view gives the conversation the height: at 1366×768 at least 8 ordinary messages are in view,
  the pre-question summary is folded once the conversation is under way (its gist still shown), the
  ready replies are a menu, and the composer sits at the bottom of the case;
* photos and messages in one timeline in the order they were sent, also after a reload (the case view
  lists photos without their place in the event log; their time orders them);
* a compact queue: 20 waiting cases, one line each (urgency, service, whose, queue, identified,
  waited / target), a line opens the case's summary, and a filter by queue and urgency;
* numbers in the page's language: a temperature answer reads 38,2 in Finnish and 38.2 in English;
* axe-core (WCAG 2.1 A/AA) and the Nu HTML checker in each new state at 1366 px and at 360 px.

Screenshots of the new states go to NEUVO_SCREENSHOTS, else the test's temporary folder (never committed).

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_pro_layout.py
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import chrome, require_binary, running_server
from test_pro_more import ME, Browser, Client, _axe, _png, _prepare, _snapshot, _varied_case, _vnu_failures

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

WAITING = 20


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_binary()
    tmp = tmp_path_factory.mktemp("neuvo-pro-layout")
    with running_server(tmp, db=_prepare(tmp)) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(server):
    with chrome(1366, 768) as driver:
        b = Browser(driver, server)
        b.viewport = lambda w, h: driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": w < 800})
        b.viewport(1366, 768)
        driver.get(server.url("/pro/"))
        b.sign_in(ME)
        b.wait(lambda: b.visible("#workspace"), "the workspace")
        yield b


@pytest.fixture(scope="module")
def states():
    """What each test leaves for the Nu checker at the end: name → the page as HTML."""
    return {}


def shot(b: Browser, name: str):
    folder = Path(os.environ.get("NEUVO_SCREENSHOTS") or b.server.stderr_path.parent)
    folder.mkdir(parents=True, exist_ok=True)
    b.driver.save_screenshot(str(folder / f"pro-{name}.png"))


def check(b: Browser, states: dict, name: str):
    """axe at 1366×768 and at 360 px, the page kept for the Nu checker, and a screenshot of each."""
    for width, height in ((1366, 768), (360, 800)):
        b.viewport(width, height)
        try:
            _axe(b, f"{name} at {width} px")
            states[f"{name}-{width}"] = _snapshot(b)
            shot(b, f"{name}-{width}")
        finally:
            b.viewport(1366, 768)


def timeline(b: Browser) -> list[str]:
    """The open case's timeline: each message's text, or "photo"."""
    return b.js("""return [...document.querySelectorAll('#message-list > li')].map((li) =>
        li.querySelector('.photo-thumb') ? 'photo' : li.querySelector('.msg-text').textContent)""")


def fill_queue(server, b: Browser) -> list[str]:
    """WAITING varied cases in the queue, as the page lists them."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda i: _varied_case(server, i), range(WAITING)))
    b.wait(lambda: len(b.queue_ids()) == WAITING, f"{WAITING} cases in the queue", timeout=20)
    return ids


def empty_queue(server, b: Browser, ids: list[str]):
    """Picks and closes the cases, leaving an empty queue to the other tests."""
    me = Client(server.base)
    me.sign_in(ME)
    for case_id in ids:
        me.call("POST", "/api/v1/pro/pick", {"conversationId": case_id})
        me.call("POST", f"/api/v1/pro/cases/{case_id}/close", {"outcome": "noCareNeed", "instructions": "Testi.", "summary": "Testi."})
    b.wait(lambda: not b.queue_ids(), "an empty queue")


def test_compact_queue_with_20_cases_and_its_filter(server, browser, states):
    b = browser
    ids = fill_queue(server, b)
    rows = b.js("""return [...document.querySelectorAll('#queue-list > li')].map((li) => {
        const line = li.querySelector('.qi-line');
        return { height: li.getBoundingClientRect().height, lineHeight: line.getBoundingClientRect().height,
                 text: line.textContent, service: li.querySelector('.qi-service').textContent,
                 sub: li.querySelector('.qi-sub').textContent, wait: li.querySelector('.qi-wait').textContent,
                 urgency: li.querySelector('.badge').textContent, id: li.querySelector('.qi-id').textContent }; })""")
    # Two short lines each: the whole row no taller than one control.
    assert all(r["height"] <= 44 for r in rows), [r["height"] for r in rows]
    listed = b.js("return document.getElementById('queue-list').getBoundingClientRect().height")
    assert listed <= WAITING * 44 + 19 * 6, listed
    assert {r["urgency"] for r in rows} == {"Kiireellinen", "Puolikiireellinen", "Kiireetön"}
    child = next(r for r in rows if "Lapsen asia" in r["text"])
    assert child["service"] == "Iho-oireet" and child["sub"].endswith(" Lapsen asia · Lasten terveys"), child
    # Read as "Odottanut 0 min, tavoite 30 min"; shown as "0/30 min".
    assert child["wait"].startswith("Odottanut ") and child["wait"].endswith("/ min, tavoite 30 min"), child
    nurse = next(r for r in rows if "Hoitajat" in r["text"])
    assert nurse["wait"].endswith("/ min, tavoite 60 min"), nurse
    assert all(r["id"] in ("–Tunnistamaton", "✓Tunnistettu") for r in rows), rows
    shown = b.js("""const w = document.querySelector('#queue-list > li .qi-wait').cloneNode(true);
        for (const v of w.querySelectorAll('.visually-hidden')) v.remove(); return w.textContent""")
    assert re.fullmatch(r"\d+/30 min", shown), shown

    # A line opens the case's summary below it, and closes it again.
    first = b.find("#queue-list > li .qi-line")
    assert first.get_attribute("aria-expanded") == "false" and not b.visible("#queue-list > li .qi-summary")
    first.click()
    b.wait(lambda: b.visible("#queue-list > li .qi-summary"), "the summary under the first line")
    assert first.get_attribute("aria-expanded") == "true"
    assert b.text("#queue-list > li .qi-summary").startswith("Iho-oireet: ")
    assert b.text("#queue-list > li .qi-details .tag.queue") == "Lasten terveys", "the queue in full in the details"

    # The filter: urgent ones, then the nurse queue, then all again.
    from selenium.webdriver.support.ui import Select
    urgent = sum(1 for r in rows if r["urgency"] == "Kiireellinen")
    Select(b.find("#filter-urgency")).select_by_value("urgent")
    b.wait(lambda: len(b.queue_ids()) == urgent, "only the urgent cases")
    assert b.text("#queue-filtered") == f"Suodatettu: näytetään {urgent}/{WAITING}."
    assert b.text("#queue-count") == str(WAITING), "the count stays the whole queue"
    check(b, states, "queue-filtered")
    Select(b.find("#filter-urgency")).select_by_value("")
    Select(b.find("#filter-queue")).select_by_value("nurse")
    in_nurse = sum(1 for r in rows if "Hoitajat" in r["text"])
    b.wait(lambda: len(b.queue_ids()) == in_nurse, "only the nurse queue")
    assert all("Hoitajat" in t for t in b.js("return [...document.querySelectorAll('#queue-list .qi-line')].map(l => l.textContent)"))
    Select(b.find("#filter-queue")).select_by_value("")
    b.wait(lambda: len(b.queue_ids()) == WAITING and b.text("#queue-filtered") == "", "the whole queue again")
    check(b, states, "queue-compact")
    # In Swedish the same line reads in Swedish.
    Select(b.find("#lang-select")).select_by_value("sv")
    b.wait(lambda: "Barns hälsa" in " ".join(b.js("return [...document.querySelectorAll('#queue-list .qi-line')].map(l => l.textContent)")),
           "the lines in Swedish")
    assert b.find("#filter-queue option").text == "Alla köer"
    Select(b.find("#lang-select")).select_by_value("fi")
    b.wait(lambda: b.find("#filter-queue option").text == "Kaikki jonot", "Finnish again")
    empty_queue(server, b, ids)


# Each row's service and whose matter as laid out: the service element's own overflow, whether an
# ancestor up to the row clips it, and how much of whose matter the ellipsis of its line leaves.
ROW_TEXT_JS = """
const clippedBy = (el, row) => {
  const r = el.getBoundingClientRect();
  for (let a = el.parentElement; a && a !== row.parentElement; a = a.parentElement) {
    if (getComputedStyle(a).overflowX === 'visible') continue;
    const box = a.getBoundingClientRect();
    if (r.left < box.left - 0.5 || r.right > box.right + 0.5) return a.className;
  }
  return null;
};
const column = document.querySelector('.queue-column');
const rows = [...document.querySelectorAll('#queue-list > li')].map((li) => {
  const service = li.querySelector('.qi-service'), whose = li.querySelector('.qi-whose');
  const row = { id: li.querySelector('[data-pick]').dataset.pick, height: li.getBoundingClientRect().height,
                service: service.innerText, scrollWidth: service.scrollWidth, clientWidth: service.clientWidth,
                serviceClippedBy: clippedBy(service, li), whose: whose && whose.innerText };
  if (!whose) return row;
  // Where the ellipsis would start if its line is cut: whose matter must end before it.
  const sub = whose.parentElement, dots = document.createElement('span');
  dots.textContent = '\u2026'; sub.append(dots);
  const ellipsis = dots.getBoundingClientRect().width; dots.remove();
  const cut = sub.scrollWidth > sub.clientWidth;
  return { ...row, whoseClippedBy: clippedBy(whose, li), whoseCut: whose.scrollWidth > whose.clientWidth,
           whoseUnderEllipsis: cut && whose.getBoundingClientRect().right > sub.getBoundingClientRect().right - ellipsis + 0.5 };
});
return { rows, column: column.clientHeight, list: document.getElementById('queue-list').getBoundingClientRect().height,
         page: document.documentElement.scrollHeight - document.documentElement.clientHeight, innerWidth, innerHeight };
"""


def service_titles(server) -> dict[str, str]:
    """Each waiting case's service title in Finnish, from the catalog: conversation id -> title."""
    me = Client(server.base)
    me.sign_in(ME)
    status, catalog = me.call("GET", "/api/v1/catalog")
    assert status == 200, catalog
    titles: dict[str, str] = {}

    def walk(services):
        for s in services or []:
            titles[s["id"]] = s["title"]["fi"]
            walk(s.get("children"))
    walk(catalog["services"])
    status, queue = me.call("GET", "/api/v1/pro/queue")
    assert status == 200, queue
    return {c["conversationId"]: titles[c["serviceId"]] for c in queue["cases"]}


def test_compact_queue_reads_in_full_at_1366x768(server, browser):
    """At 1366×768 the service and whose matter read on each row without opening it (Selenium reads
    an ellipsised text in full, so this measures the layout), and 20 rows take at most two screens."""
    b = browser
    ids = fill_queue(server, b)
    titles = service_titles(server)
    layout = b.js(ROW_TEXT_JS)
    assert (layout["innerWidth"], layout["innerHeight"]) == (1366, 768), layout
    rows = layout["rows"]
    assert len(rows) == WAITING
    for r in rows:
        assert r["service"] == titles[r["id"]], r
        assert r["clientWidth"] > 0 and r["scrollWidth"] <= r["clientWidth"], f"the service is cut: {r}"
        assert r["serviceClippedBy"] is None, f"the service is clipped: {r}"
        assert r["whose"] in ("Lapsen asia", "Oma asia", "Toisen aikuisen asia"), r
        assert r["whoseClippedBy"] is None and not r["whoseCut"] and not r["whoseUnderEllipsis"], f"whose matter is cut: {r}"
    assert layout["list"] <= 2 * layout["column"], f"20 rows take more than two screens of the column: {layout['list']} > 2 × {layout['column']}"
    # The rows' visually hidden words stay inside the scrolling column: no scrollbar on the page itself.
    assert layout["page"] == 0, layout["page"]
    empty_queue(server, b, ids)


def test_the_conversation_gets_the_height_at_1366x768(server, browser, states):
    b = browser
    resident = Client(server.base)
    case_id = resident.start_case()  # the nurse queue, which has ready replies
    for i in range(10):
        resident.say(f"Viesti {i + 1}: ihottuma on punainen.")
    b.wait(lambda: case_id in b.queue_ids(), "the case in the queue")
    b.find(f'#queue-list [data-pick="{case_id}"]').click()
    b.wait(lambda: b.visible("#case-view") and len(timeline(b)) == 10, "the picked case with its ten messages")
    layout = b.js("""
        const list = document.getElementById('message-list').getBoundingClientRect();
        const whole = [...document.querySelectorAll('#message-list > li')].filter((li) => {
          const r = li.getBoundingClientRect(); return r.top >= list.top - 0.5 && r.bottom <= list.bottom + 0.5; });
        const composer = document.getElementById('message-form').getBoundingClientRect();
        const column = document.getElementById('case-region').getBoundingClientRect();
        return { inView: whole.length, composerBottom: composer.bottom, columnBottom: column.bottom,
                 innerHeight: innerHeight, folded: !document.getElementById('prequestions').open,
                 gist: document.getElementById('answers-gist').textContent,
                 scrolls: document.getElementById('case-region').scrollHeight > document.getElementById('case-region').clientHeight };""")
    assert layout["innerHeight"] == 768, layout
    assert layout["inView"] >= 8, layout
    assert layout["folded"] and layout["gist"].startswith("Päiviä"), layout
    assert layout["columnBottom"] - layout["composerBottom"] < 20 and not layout["scrolls"], layout
    # The summary opens on request (and stays as chosen for this case).
    b.find("#prequestions summary").click()
    b.wait(lambda: b.visible("#answers-list") and "Kauanko ihottuma on kestänyt?" in b.text("#answers-list"), "the answers")
    b.find("#prequestions summary").click()
    b.wait(lambda: not b.visible("#answers-list"), "the answers folded again")

    # The ready replies are a menu: a reply goes in at the caret and the menu folds away.
    assert not b.visible("#canned-list")
    b.find("#canned-label").click()
    b.wait(lambda: b.visible("#canned-list .canned-button"), "the ready replies")
    check(b, states, "case-canned-menu")
    b.find("#canned-list .canned-button").click()
    b.wait(lambda: b.find("#message-input").get_attribute("value") == "Hei, katson asiaasi nyt.", "the reply in the box")
    assert not b.visible("#canned-list")
    b.find("#message-input").clear()
    check(b, states, "case-folded")
    b.find("#close-button").click()
    b.wait(lambda: b.dialog_open("close-dialog"), "the closing dialog")
    for css, words in (("#close-instructions", "Testi."), ("#close-summary", "Testi.")):
        b.find(css).clear()
        b.find(css).send_keys(words)
    b.find("#outcome-advice").click()
    b.find("#close-submit").click()
    b.wait(lambda: case_id not in b.mine_ids(), "the case closed")


def test_photos_and_messages_in_the_order_sent_also_after_a_reload(server, browser):
    b = browser
    resident = Client(server.base)
    case_id = resident.start_case()
    resident.say("Ensin teksti.")
    resident.photo(_png(64, 48))
    resident.say("Sitten toinen teksti.")
    resident.photo(_png(48, 64))
    resident.say("Ja viimeinen.")
    expected = ["Ensin teksti.", "photo", "Sitten toinen teksti.", "photo", "Ja viimeinen."]
    b.wait(lambda: case_id in b.queue_ids(), "the case in the queue")
    b.find(f'#queue-list [data-pick="{case_id}"]').click()
    b.wait(lambda: len(timeline(b)) == 5, "the five entries")
    assert timeline(b) == expected
    # Live: a message, then a photo, then a message.
    resident.say("Elävänä 1.")
    resident.photo(_png(40, 40))
    resident.say("Elävänä 2.")
    expected += ["Elävänä 1.", "photo", "Elävänä 2."]
    b.wait(lambda: len(timeline(b)) == 8, "the live entries")
    assert timeline(b) == expected
    b.driver.refresh()
    b.wait(lambda: b.visible("#case-view") and len(timeline(b)) == 8, "the case again after the reload")
    assert timeline(b) == expected, "photos sank after the reload"
    b.find("#close-button").click()
    b.wait(lambda: b.dialog_open("close-dialog"), "the closing dialog")
    b.find("#outcome-advice").click()
    b.find("#close-instructions").send_keys("Testi.")
    b.find("#close-submit").click()
    b.wait(lambda: case_id not in b.mine_ids(), "the case closed")


def test_numbers_read_in_the_pages_language(server, browser):
    b = browser
    resident = Client(server.base)
    case_id = resident.start_case(answers={"duration": "hours", "breathing": False, "fever": True, "temperature": 38.2})
    b.wait(lambda: case_id in b.queue_ids(), "the case in the queue")
    b.find(f'#queue-list [data-pick="{case_id}"]').click()
    b.wait(lambda: b.visible("#answers-list") and "38,2 °C" in b.text("#answers-list"), "38,2 °C in Finnish")
    from selenium.webdriver.support.ui import Select
    Select(b.find("#lang-select")).select_by_value("en")
    b.wait(lambda: "38.2 °C" in b.text("#answers-list") and "temperature" in b.text("#answers-list"), "38.2 °C in English: " + b.text("#answers-list"))
    Select(b.find("#lang-select")).select_by_value("fi")
    b.wait(lambda: "38,2 °C" in b.text("#answers-list"), "Finnish again")


def test_new_states_are_valid_html(states, tmp_path):
    assert set(states) == {f"{s}-{w}" for s in ("queue-filtered", "queue-compact", "case-canned-menu", "case-folded")
                           for w in (1366, 360)}, sorted(states)
    failures = _vnu_failures(states, tmp_path)
    assert not failures, "Nu HTML checker errors:\n" + "\n".join(failures)
