"""Call-backs in the professional's workspace (Public/pro: the call list beside the chat queue, the call panel
of a picked call-back's case) against a resident's page, each in their own headless Chromium.

A real Neuvo binary with the test catalog whose `nurse` queue takes call-backs around the clock (four windows a
day, three places each, two tries, offered always), and two nurses of that queue added with the CLI. A Swedish
resident on a 360×740 phone asks to be called while waiting; the nurse (1366×768) sees the matter leave her
chat queue at once on the stream's `callBackRequested` and the request come into her call list within a few
seconds, without a reload; she picks it (the number, the window and the tries in the case's call panel; the
case among her cases), records an unanswered try, reloads the page and finds the panel again on the case (from
the server's case view), and a second unanswered try ends the call-back as not reached: gone from her list and
from her cases, and closed for the resident. Then a race lost to a colleague (the page is told and shows the
colleague calling) and a reached call, whose panel a reload brings back from the case view alone (a reached
call-back is in no call list), closed through the closing dialog into a record export; and a try on a case
closed in another window (404): the page says the case is no longer hers and lets it go. axe-core (WCAG 2.1 A
and AA) and the Nu HTML checker on the workspace in the list state and in the picked state.

The resident's page says that the call-back did not reach them (the stream's `callBackNotReached`): the
matter closed, and what to do next.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_pro_call_backs.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import NEUVO_BIN, REPO, catalog_file, chrome, require_binary, running_server
from pages import ApiClient, Page, Workspace, plain
from test_pro_more import _axe, _snapshot, _vnu_failures
from resident_fixtures import queued_over_api
from test_resident_call_back import choose, finnish, hours, queue_on_page, size, tap
from test_resident_page import api

NURSE, COLLEAGUE, PASSWORD = "hanna", "olli", "Hoitaja-salasana-2024"
PHONE, WORKSPACE = (360, 740), (1366, 768)
FI_WEEKDAYS = ["ma", "ti", "ke", "to", "pe", "la", "su"]
# The stream brings a call-back asked for in the nurse's queues at once: the page shows it within seconds.
PROMPT = 5

# A fetch that holds the workspace's event stream while `window.__neuvoHold` is a promise (news of a
# colleague's pick waits, so that this page's own pick is certainly the later one), and the call list's
# answers while `window.__neuvoHoldCalls` is one (what the page does meanwhile is the stream's doing alone).
HOLD_EVENTS = """(() => {
  const real = window.fetch.bind(window);
  window.__neuvoHold = null;
  window.__neuvoHoldCalls = null;
  window.fetch = async (input, init) => {
    const response = await real(input, init);
    if (String(input).startsWith('/api/v1/pro/events') && window.__neuvoHold) await window.__neuvoHold;
    if (String(input).startsWith('/api/v1/pro/call-backs?') && window.__neuvoHoldCalls) await window.__neuvoHoldCalls;
    return response;
  };
})();"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Named `server` so conftest's `_server_alive` check covers it."""
    require_binary()
    tmp = tmp_path_factory.mktemp("pro-call-backs")
    catalog = json.loads(catalog_file(tmp).read_text(encoding="utf-8"))
    nurse = next(q for q in catalog["queues"] if q["id"] == "nurse")
    nurse["callBack"] = {"windows": {d: [["00:00", "06:00"], ["06:00", "12:00"], ["12:00", "18:00"], ["18:00", "24:00"]]
                                     for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                         "capacityPerWindow": 3, "attempts": 2, "callerNumber": "09 310 10000", "offer": "always"}
    path = tmp / "call-back-catalog.json"
    path.write_text(json.dumps(catalog), encoding="utf-8")
    db = tmp / "neuvo.sqlite"
    where = ["--db", str(db), "--migrations", str(REPO / "Migrations")]
    for args, env in ((["catalog", "import", str(path)], {}),
                      (["user", "add", NURSE, "--name", "Hanna Hoitaja", "--title", "sairaanhoitaja", "--queues", "nurse"],
                       {"NEUVO_PASSWORD": PASSWORD}),
                      (["user", "add", COLLEAGUE, "--name", "Olli Hoitaja", "--title", "sairaanhoitaja", "--queues", "nurse"],
                       {"NEUVO_PASSWORD": PASSWORD})):
        done = subprocess.run([str(NEUVO_BIN), *args, *where], cwd=tmp, capture_output=True, text=True, timeout=60,
                              env={**os.environ, **env}, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"neuvo {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    with running_server(tmp, db=db, catalog=False) as srv:
        srv.db = db
        yield srv


@pytest.fixture(scope="module")
def resident():
    with chrome(*PHONE) as d:
        size(d, *PHONE)
        yield Page(d, name="resident")


@pytest.fixture(scope="module")
def nurse(server):
    with chrome(*WORKSPACE) as d:
        size(d, *WORKSPACE)
        # Installed before the page's own scripts on every load; it does nothing until a test sets a hold.
        d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOLD_EVENTS})
        yield Workspace(d, server, "nurse")


@pytest.fixture(scope="module")
def flow():
    """What the first test leaves for the next: the resident's conversation."""
    return {}


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def window_fi(w: dict) -> str:
    """A window as the Finnish workspace writes it: "ke 2.12. 10.00–12.00" (Finnish time)."""
    start = finnish(w["start"])
    return f"{FI_WEEKDAYS[start.weekday()]} {start.day}.{start.month}. " + "–".join(hours(w, "fi"))


def signed_in(n: Workspace, server) -> None:
    if not n.driver.current_url.startswith(server.base + "/pro/"):
        n.driver.get(server.url("/pro/"))
    n.wait(lambda: n.visible("#workspace") or n.visible("#login-form"), "the workspace or its sign-in")
    if n.visible("#login-form"):
        n.sign_in(NURSE, PASSWORD)
    n.wait(lambda: n.visible("#workspace"), "the workspace")


def call_rows(n: Workspace) -> list[dict]:
    """The call list as drawn: one dict per row."""
    return n.js("""return [...document.querySelectorAll('#cb-list > li')].map((li) => ({
        id: li.dataset.callBack, text: li.textContent, when: li.querySelector('.cb-when').textContent,
        urgency: li.querySelector('.badge').textContent, what: li.querySelector('.cb-what').textContent,
        tries: li.querySelector('.cb-tries').textContent, summary: li.querySelector('.cb-summary')?.textContent || '',
        pick: li.querySelector('[data-pick-call]')?.getAttribute('aria-label') || null,
        open: !!li.querySelector('[data-open-call]'), who: li.querySelector('.cb-who')?.textContent || '',
        phone: li.querySelector('.cb-phone')?.getAttribute('href') || null }))""")


def active_id(p: Page) -> str:
    return p.js("return document.activeElement.id")


def check_a11y(n: Workspace, name: str, snapshots: dict) -> None:
    """axe at 1366×768 and at 360 px, the page kept for the Nu checker, and a screenshot of each (to
    NEUVO_SCREENSHOTS, else beside the server's log)."""
    folder = Path(os.environ.get("NEUVO_SCREENSHOTS") or n.server.stderr_path.parent)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for width, height in (WORKSPACE, (360, 800)):
            size(n.driver, width, height)
            _axe(n, f"{name} at {width} px")
            n.driver.save_screenshot(str(folder / f"pro-call-backs-{name.replace(' ', '-')}-{width}.png"))
    finally:
        size(n.driver, *WORKSPACE)
    snapshots[name] = _snapshot(n)


def no_page_scroll(n: Workspace) -> bool:
    return n.js("return document.documentElement.scrollHeight <= document.documentElement.clientHeight"
                " && document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def page_errors(p: Page) -> list[dict]:
    """What the page threw (network lines of refused requests are the page working as designed)."""
    return [e for e in p.drain_logs() if e.get("level") == "SEVERE" and e.get("source") != "network"]


def reopened_after_reload(n: Workspace, server, conv: str) -> None:
    """Reloads the workspace, and opens the case again from my cases (the call panel's code loads anew)."""
    n.driver.refresh()
    signed_in(n, server)
    n.wait(lambda: conv in n.mine_ids(), "the case among my cases after the reload")
    n.find(f'#mine-list [data-open="{conv}"]').click()
    n.wait(lambda: n.visible("#call-panel"), "the call panel after the reload")
    n.mark()


def hold_calls(n: Workspace) -> None:
    n.js("window.__neuvoHoldCalls = new Promise((done) => { window.__neuvoReleaseCalls = done; })")


def release_calls(n: Workspace) -> None:
    n.js("window.__neuvoHoldCalls = null; window.__neuvoReleaseCalls()")


def book_over_api(server, phone: str) -> tuple[str, str]:
    """A resident queued in nurse who asks to be called in the first free window: (conversation, call-back)."""
    r, conv, queued = queued_over_api(server)
    assert queued["queue"]["id"] == "nurse", queued
    status, offer = r.call("GET", f"/api/v1/conversations/{conv}/call-back")
    assert status == 200 and offer["offered"], offer
    window = next(w for w in offer["windows"] if w["free"])
    status, made = r.call("POST", f"/api/v1/conversations/{conv}/call-back",
                          {"phone": phone, "windowStart": window["start"], "notify": False, "language": "fi"})
    assert status == 201 and made["status"] == "requested", made
    return conv, made["id"]


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


def test_a_swedish_residents_call_back_comes_live_to_the_nurse_and_ends_unreached(server, resident, nurse, flow, tmp_path):
    r, n = resident, nurse
    snapshots: dict[str, str] = {}

    # The nurse signs in: an empty call list beside the chat queue.
    signed_in(n, server)
    n.wait(lambda: n.visible("#cb-empty"), "the empty call list")
    assert n.text("#cb-heading") == "Soittopyynnöt 0" and n.text("#cb-empty") == "Ei soittopyyntöjä."
    assert no_page_scroll(n), "the workspace scrolls as a page at 1366×768"
    n.mark()

    # The resident, in Swedish on a phone, is queued in nurse and asks to be called instead.
    conv = queue_on_page(r, server, "sv")
    flow["conv"] = conv
    n.wait(lambda: conv in n.queue_ids(), "the resident's chat in the nurse's queue")
    r.wait(lambda: r.visible("#cb-open"), "the call-back offer")
    tap(r, "#cb-open")
    r.wait(lambda: r.visible("#cb-form"), "the call-back form")
    _, offer = api(server, r.driver, "GET", f"/api/v1/conversations/{conv}/call-back")
    wanted = next(w for w in offer["windows"] if w["free"])
    r.find("#cb-phone").send_keys("040 123 4567")
    choose(r, wanted["start"])
    # The call list's answers held back: the chat row leaves the queue on the stream's callBackRequested alone.
    hold_calls(n)
    tap(r, "#cb-confirm")
    n.wait(lambda: conv not in n.queue_ids(), "the matter out of the chat queue on callBackRequested", timeout=PROMPT)
    assert not call_rows(n), "the call list answered while held"

    # It comes into the nurse's call list at once, without a reload.
    release_calls(n)
    n.wait(lambda: len(call_rows(n)) == 1, "the call-back in the nurse's call list", timeout=PROMPT)
    r.wait(lambda: r.text("#h-conv") == "Vi ringer dig", "the request on the resident's page")
    [row] = call_rows(n)
    assert plain(row["when"]) == window_fi(wanted), row
    assert row["urgency"] == "Kiireetön" and row["what"] == "Iho-oireet · Oma asia · Hoitajat", row
    assert row["tries"] == "Yrityksiä 0/2" and row["summary"].startswith("Iho-oireet: "), row
    assert plain(row["pick"]) == f"Ota soittopyyntö: {window_fi(wanted)}, Kiireetön, Iho-oireet", row
    assert row["who"] == "" and row["phone"] is None, "the number shows before anyone picked it"
    assert n.text("#cb-heading") == "Soittopyynnöt 1" and not n.visible("#cb-empty")
    assert conv not in n.queue_ids(), "the matter came back to the chat queue"
    n.wait(lambda: "Uusi soittopyyntö: " in n.find("#announcer").get_attribute("textContent"), "the new call-back announced")
    assert no_page_scroll(n), "the call list made the workspace scroll as a page"
    check_a11y(n, "call list", snapshots)

    # The nurse picks it: the case is hers and opens with its call panel; the number only now.
    n.find(f'#cb-list [data-pick-call="{row["id"]}"]').click()
    n.wait(lambda: n.visible("#call-panel"), "the call panel")
    assert active_id(n) == "call-heading"
    assert n.text("#call-phone") == "+358 40 1234567" and n.find("#call-phone").get_attribute("href") == "tel:+358401234567"
    assert plain(n.text("#call-window")) == window_fi(wanted) and n.text("#call-attempts") == "0/2"
    assert [n.text(f"#{b}") for b in ("call-reached", "call-no-answer", "call-wrong-number")] == \
        ["Tavoitettu", "Ei vastausta", "Väärä numero"]
    assert "Iho-oireet" in n.text("#case-heading")
    assert n.mine_ids() == [conv], "the call-back's matter is not among my cases"
    assert "Soittopyyntö" in n.text("#mine-list"), n.text("#mine-list")
    n.wait(lambda: call_rows(n) and call_rows(n)[0]["who"].startswith("Sinä soitat"), "my call in the list")
    assert call_rows(n)[0]["phone"] == "tel:+358401234567" and call_rows(n)[0]["open"]
    n.wait(lambda: "Soita numeroon +358 40 1234567" in n.find("#announcer").get_attribute("textContent"), "the pick announced")
    r.wait(lambda: r.text("#h-conv") == "Ditt ärende behandlas", "the pick on the resident's page")
    assert no_page_scroll(n), "the call panel made the workspace scroll as a page"
    check_a11y(n, "call-back picked", snapshots)

    # Two tries without an answer: the first keeps it hers, the second ends it as not reached.
    n.find("#call-no-answer").click()
    n.wait(lambda: n.text("#call-attempts") == "1/2", "the first try counted")
    assert n.text("#call-status") == "Ei vastausta (1/2). Yritä uudelleen soittoajan kuluessa."
    assert n.visible("#call-buttons") and conv in n.mine_ids()

    # After a reload, the case's call comes from the server's case view: the number, the window and the tries.
    reopened_after_reload(n, server, conv)
    n.wait(lambda: n.text("#call-attempts") == "1/2", "the tries after the reload")
    assert n.text("#call-phone") == "+358 40 1234567" and n.find("#call-phone").get_attribute("href") == "tel:+358401234567"
    assert plain(n.text("#call-window")) == window_fi(wanted)
    assert n.text("#call-status") == "Ei vastausta (1/2). Yritä uudelleen soittoajan kuluessa."
    assert n.visible("#call-buttons") and "Soittopyyntö" in n.text("#mine-list")
    n.wait(lambda: call_rows(n) and call_rows(n)[0]["who"].startswith("Sinä soitat"), "my call in the list after the reload")
    n.find("#call-no-answer").click()
    n.wait(lambda: conv not in n.mine_ids(), "the unreached matter gone from my cases")
    n.wait(lambda: not call_rows(n), "the call-back gone from the call list")
    assert n.visible("#cb-empty") and not n.visible("#case-view")
    assert n.text("#alert").startswith("Asiakasta ei tavoitettu, joten asia päätettiin: Iho-oireet"), n.text("#alert")
    assert active_id(n) == "cb-heading"
    n.wait(lambda: "Asiakasta ei tavoitettu" in n.find("#announcer").get_attribute("textContent"), "the end announced")

    # The server closed the matter as not reached, after two tries.
    _, body = api(server, r.driver, "GET", f"/api/v1/conversations/{conv}")
    assert body["status"] == "closed", body
    with sqlite3.connect(f"file:{server.db}?mode=ro", uri=True) as db:
        assert db.execute("SELECT status, attempts FROM call_backs WHERE conversation_id = ?", (conv,)).fetchall() == \
            [("notReached", 2)]
        assert [x for (x,) in db.execute("SELECT result FROM call_back_attempts a JOIN call_backs b ON b.id = a.call_back_id "
                                         "WHERE b.conversation_id = ? ORDER BY a.at", (conv,))] == ["noAnswer", "noAnswer"]

    assert n.not_reloaded(), "the workspace reloaded on the way"
    failures = _vnu_failures(snapshots, tmp_path)
    assert not failures, "the workspace is not valid HTML:\n" + "\n".join(failures)
    assert not page_errors(n) and not page_errors(r)


def test_the_residents_page_says_the_call_back_did_not_reach_them(resident, flow):
    r = resident
    assert flow.get("conv"), "the first test did not get that far"
    r.wait(lambda: r.text("#h-conv") != "Ditt ärende behandlas", "the resident's page to leave 'being handled'", timeout=5)
    said = plain(r.text("#step-conversation"))
    assert re.search(r"inte nå|nådde dig inte|nåddes inte", said), said


def test_a_race_lost_to_a_colleague_and_a_reached_call_closed_into_the_record(server, nurse, tmp_path):
    n = nurse
    lost_conv, lost = book_over_api(server, "050 111 2222")
    conv, mine = book_over_api(server, "050 333 4444")
    n.driver.get(server.url("/pro/"))
    signed_in(n, server)
    n.wait(lambda: [x["id"] for x in call_rows(n)] == [lost, mine], "both call-backs in the call list")

    # A colleague takes the first while news of it is held back from this page; the nurse's pick comes second.
    n.js("window.__neuvoHold = new Promise((done) => { window.__neuvoRelease = done; })")
    colleague = ApiClient(server.base)
    assert colleague.call("POST", "/api/v1/pro/login", {"username": COLLEAGUE, "password": PASSWORD})[0] == 200
    status, taken = colleague.call("POST", f"/api/v1/pro/call-backs/{lost}/pick", {})
    assert status == 200 and taken["status"] == "picked", taken
    assert call_rows(n)[0]["pick"], "the page knew of the colleague's pick before it tried"
    n.find(f'#cb-list [data-pick-call="{lost}"]').click()
    n.wait(lambda: n.visible("#alert"), "the lost race said")
    assert n.text("#alert") == "Joku muu ehti ottaa tämän soittopyynnön (tai asiakas perui sen). Lista päivitettiin."
    n.wait(lambda: call_rows(n)[0]["who"] == "Kollega soittaa", "the colleague's call in the list")
    assert call_rows(n)[0]["pick"] is None and call_rows(n)[0]["phone"] is None, call_rows(n)[0]
    assert lost_conv not in n.mine_ids() and active_id(n) == "cb-heading"
    n.js("window.__neuvoHold = null; window.__neuvoRelease()")

    # The second is hers; the client answers; she closes the case as a chat is closed.
    n.find(f'#cb-list [data-pick-call="{mine}"]').click()
    n.wait(lambda: n.visible("#call-panel") and n.text("#call-phone") == "+358 50 3334444", "the call panel")
    assert conv in n.mine_ids()
    n.find("#call-reached").click()
    n.wait(lambda: n.text("#call-status").startswith("Asiakas tavoitettu."), "the reached call")
    assert not n.visible("#call-buttons") and n.text("#call-attempts") == "1/2"
    assert active_id(n) == "close-button", "focus did not move on to closing the case"
    n.wait(lambda: mine not in [x["id"] for x in call_rows(n)], "the reached call-back out of the call list")
    assert conv in n.mine_ids(), "the reached matter left my cases before it was closed"

    # A reached call-back is in no call list: after a reload its panel comes from the case view alone.
    reopened_after_reload(n, server, conv)
    n.wait(lambda: n.text("#call-status").startswith("Asiakas tavoitettu."), "the reached call after the reload")
    assert n.text("#call-phone") == "+358 50 3334444" and n.text("#call-attempts") == "1/2"
    assert not n.visible("#call-buttons") and "Soittopyyntö" in n.text("#mine-list")
    assert mine not in [x["id"] for x in call_rows(n)]
    n.find("#close-button").click()
    n.wait(lambda: n.dialog_open("close-dialog"), "the closing dialog")
    summary = n.find("#close-summary").get_attribute("value")
    assert "Iho-oireet" in summary, summary
    n.find("#outcome-advice").click()
    n.find("#close-instructions").send_keys("Rasvaa ihoa kahdesti päivässä.")
    n.find("#close-submit").click()
    n.wait(lambda: not n.dialog_open("close-dialog"), "the closing dialog to close")
    n.wait(lambda: conv not in n.mine_ids(), "the closed case gone from my cases")

    with sqlite3.connect(f"file:{server.db}?mode=ro", uri=True) as db:
        assert db.execute("SELECT status, attempts FROM call_backs WHERE id = ?", (mine,)).fetchone() == ("reached", 1)
        assert db.execute("SELECT status FROM conversations WHERE id = ?", (conv,)).fetchone() == ("closed",)
        [document] = [json.loads(d) for (d,) in db.execute("SELECT document FROM record_exports WHERE conversation_id = ?", (conv,))]
        assert summary.splitlines()[0] in json.dumps(document, ensure_ascii=False), "the record export lacks the summary"
        assert db.execute("SELECT status, professional_id IS NOT NULL FROM call_backs WHERE id = ?", (lost,)).fetchone() == ("picked", 1)
    assert not page_errors(n)


def test_a_try_on_a_case_closed_in_another_window_lets_the_case_go(server, nurse):
    n = nurse
    signed_in(n, server)
    conv, cb = book_over_api(server, "050 555 6666")
    n.wait(lambda: cb in [x["id"] for x in call_rows(n)], "the call-back in the call list", timeout=PROMPT)
    n.find(f'#cb-list [data-pick-call="{cb}"]').click()
    n.wait(lambda: n.visible("#call-panel") and n.text("#call-phone") == "+358 50 5556666", "the call panel")

    # The nurse closes the case in another window while news of it is held back from this page; a try here is
    # then on a closed case (404): the page says the case is no longer hers and lets it go.
    n.js("window.__neuvoHold = new Promise((done) => { window.__neuvoRelease = done; })")
    status = n.driver.execute_async_script("""const done = arguments[arguments.length - 1];
        fetch('/api/v1/pro/cases/' + arguments[0] + '/close', {method: 'POST', credentials: 'same-origin',
          headers: {'X-Requested-With': 'neuvo', 'Content-Type': 'application/json'},
          body: JSON.stringify({outcome: 'adviceGiven', instructions: 'Soitettu toisesta ikkunasta.', summary: 'Puhelu.'})})
          .then((r) => done(r.status), () => done(0));""", conv)
    assert status == 200, status
    assert n.visible("#call-buttons") and conv in n.mine_ids(), "the page heard of the closing before the try"
    n.find("#call-no-answer").click()
    n.wait(lambda: conv not in n.mine_ids(), "the closed case gone from my cases")
    assert n.text("#alert") == "Asia ei ole enää käsittelyssäsi." and active_id(n) == "cb-heading"
    n.js("window.__neuvoHold = null; window.__neuvoRelease()")
    n.wait(lambda: cb not in [x["id"] for x in call_rows(n)], "the call-back out of the call list")
    with sqlite3.connect(f"file:{server.db}?mode=ro", uri=True) as db:
        assert db.execute("SELECT status, attempts FROM call_backs WHERE id = ?", (cb,)).fetchone() == ("reached", 1)
        assert not db.execute("SELECT 1 FROM call_back_attempts WHERE call_back_id = ?", (cb,)).fetchall()
    assert not page_errors(n)


def test_a_colleagues_tries_update_the_row_and_a_reached_call_leaves_the_list(server, nurse):
    n = nurse
    signed_in(n, server)
    n.mark()
    conv, cb = book_over_api(server, "050 777 8888")
    n.wait(lambda: cb in [x["id"] for x in call_rows(n)], "the call-back in the call list", timeout=PROMPT)
    colleague = ApiClient(server.base)
    assert colleague.call("POST", "/api/v1/pro/login", {"username": COLLEAGUE, "password": PASSWORD})[0] == 200
    status, taken = colleague.call("POST", f"/api/v1/pro/call-backs/{cb}/pick", {})
    assert status == 200 and taken["status"] == "picked", taken
    row = lambda: next((x for x in call_rows(n) if x["id"] == cb), None)  # noqa: E731
    n.wait(lambda: row() and row()["who"] == "Kollega soittaa", "the colleague's call in the list", timeout=PROMPT)

    # From here on the call list's answers are held back: the row changes on the stream's callBackAttempt alone.
    hold_calls(n)
    status, tried = colleague.call("POST", f"/api/v1/pro/call-backs/{cb}/attempts", {"result": "noAnswer"})
    assert status == 200 and tried["status"] == "picked" and tried["attempts"] == 1, tried
    n.wait(lambda: row() and row()["tries"] == "Yrityksiä 1/2", "the colleague's try counted in the row", timeout=PROMPT)
    assert row()["who"] == "Kollega soittaa" and row()["pick"] is None, row()

    # The colleague reaches the resident: the call-back is no longer live and leaves my list.
    status, tried = colleague.call("POST", f"/api/v1/pro/call-backs/{cb}/attempts", {"result": "reached"})
    assert status == 200 and tried["status"] == "reached" and tried["attempts"] == 2, tried
    n.wait(lambda: row() is None, "the reached call-back out of my call list", timeout=PROMPT)
    assert conv not in n.mine_ids() and conv not in n.queue_ids()
    release_calls(n)
    assert n.not_reloaded(), "the workspace reloaded on the way"
    with sqlite3.connect(f"file:{server.db}?mode=ro", uri=True) as db:
        assert db.execute("SELECT status, attempts FROM call_backs WHERE id = ?", (cb,)).fetchone() == ("reached", 2)
    assert not page_errors(n)
