"""Call-backs on the service managers' statistics page (Public/stats/call-backs.js) in headless Chromium.

A real Neuvo binary whose test catalog lets the `nurse` queue take call-backs around the clock (four
windows a day, ten places each, two attempts, offered always), so there are windows whatever the test's
clock. Six residents ask to be called through the real API, three in one window and three in the next;
a nurse picks and calls them (reached at once; reached on the second try; two unanswered tries; a wrong
number), one resident cancels and one still waits. A manager then opens /stats/ and finds the call-backs
section's figures and its table per window equal to the API's numbers, in Finnish and in Swedish; the
CSV link downloads the same table; a queue without call-backs shows the empty state. axe-core (WCAG 2.1
A and AA) at 1366 and 360 px, and the Nu HTML checker, in each state.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_stats_call_backs.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo); NEUVO_SCREENSHOTS (a folder for the screenshots,
default the server's temporary one).
"""

from __future__ import annotations

import contextlib
import datetime
import json
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

import pytest

from conftest import REPO, Server, catalog_file, chrome, require_binary, running_server
from pages import Statistics, plain
from test_pro_more import _axe, _errors_text, _snapshot
from test_stats_more import _vnu_many
from test_stats_page import MANAGER, NURSE, PASSWORD, Client, _cli, fi_minutes, fi_share, helsinki_today, shot
from test_stats_page import _no_script_errors  # noqa: F401 (autouse here too)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
HELSINKI = ZoneInfo("Europe/Helsinki")
WINDOWS = [["00:00", "06:00"], ["06:00", "12:00"], ["12:00", "18:00"], ["18:00", "24:00"]]


@contextlib.contextmanager
def call_back_server(tmp: Path) -> Iterator[Server]:
    """The binary serving a database with the test catalog (nurse takes call-backs) and a manager and a nurse."""
    require_binary()
    catalog = json.loads(catalog_file(tmp).read_text(encoding="utf-8"))
    nurse = next(q for q in catalog["queues"] if q["id"] == "nurse")
    nurse["callBack"] = {"windows": {d: WINDOWS for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                         "capacityPerWindow": 10, "attempts": 2, "callerNumber": "09 310 10000", "offer": "always"}
    path = tmp / "call-back-catalog.json"
    path.write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    db = tmp / "neuvo.sqlite"
    common = ["--db", str(db), "--migrations", str(REPO / "Migrations")]
    pw = {"NEUVO_PASSWORD": PASSWORD}
    _cli("catalog", "import", str(path), *common)
    _cli("user", "add", MANAGER, "--name", "Maija Manageri", "--title", "palveluesihenkilö", "--role", "manager",
         "--queues", "nurse,child-health", *common, env=pw)
    _cli("user", "add", NURSE, "--name", "Hanna Hoitaja", "--title", "sairaanhoitaja",
         "--queues", "nurse,child-health", *common, env=pw)
    with running_server(tmp, db=db, catalog=False) as srv:
        yield srv


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with call_back_server(tmp_path_factory.mktemp("neuvo-stats-call-backs")) as srv:
        yield srv


# --------------------------------------------------------------------------
# Call-backs through the real API
# --------------------------------------------------------------------------


def request_call_back(server, phone: str, window: str | None = None) -> tuple[Client, str, dict]:
    """A resident queued in nurse who asks to be called at `window` (default: the first free one offered);
    the resident, the conversation id and the window asked for."""
    resident = Client(server.base)
    conv = resident.start_case({"kind": "self"})
    status, offer = resident.call("GET", f"/api/v1/conversations/{conv}/call-back")
    assert status == 200 and offer["offered"], offer
    free = [w for w in offer["windows"] if w["free"] > 0]
    chosen = next(w for w in free if window is None or w["start"] == window)
    status, made = resident.call("POST", f"/api/v1/conversations/{conv}/call-back",
                                 {"phone": phone, "windowStart": chosen["start"], "notify": False, "language": "fi"})
    assert status == 201 and made["status"] == "requested", made
    return resident, conv, chosen


def call(nurse: Client, conv: str, results: list[str]) -> dict:
    """The nurse picks the conversation's call-back and records each try; the last answer."""
    status, body = nurse.call("GET", "/api/v1/pro/call-backs")
    assert status == 200, body
    cb = next(c for c in body["callBacks"] if c["conversationId"] == conv)
    status, picked = nurse.call("POST", f"/api/v1/pro/call-backs/{cb['id']}/pick", {})
    assert status == 200 and picked["status"] == "picked", picked
    last = picked
    for result in results:
        status, last = nurse.call("POST", f"/api/v1/pro/call-backs/{cb['id']}/attempts", {"result": result})
        assert status == 200, last
    return last


def finnish(at: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(HELSINKI)


def label(w: dict) -> str:
    """The API's name of a window of the day ("12:00–18:00"), Finnish time."""
    a, b = finnish(w["start"]), finnish(w["end"])
    return f"{a:%H:%M}–{b:%H:%M}"


def fi_clock(hm: str, end: bool = False) -> str:
    hh, mm = hm.split(":")
    return ("24" if end and hm == "00:00" else str(int(hh))) + "." + mm


def window_text(name: str, lang: str) -> str:
    """A window as the page writes it: 12.00–18.00 in Finnish and Swedish; one to midnight ends at 24.00."""
    a, b = name.split("–")
    return f"{fi_clock(a)}–{fi_clock(b, end=True)}"


@pytest.fixture(scope="module")
def made(server):
    """The six call-backs; the API's statistics for today as the manager sees them."""
    nurse = Client(server.base)
    nurse.sign_in(NURSE)
    a, conv_a, first = request_call_back(server, "040 100 0001")
    _, conv_b, _ = request_call_back(server, "040 100 0002", first["start"])
    _, conv_c, _ = request_call_back(server, "040 100 0003", first["start"])
    # The next window of the day (the first one's places are not used up: it is a different time of day).
    offer = a.call("GET", f"/api/v1/conversations/{conv_a}/call-back")[1]
    second = next(w for w in offer["windows"] if w["free"] > 0 and label(w) != label(first))
    _, conv_d, _ = request_call_back(server, "050 100 0004", second["start"])
    e, conv_e, _ = request_call_back(server, "050 100 0005", second["start"])
    request_call_back(server, "050 100 0006", second["start"])

    assert call(nurse, conv_a, ["reached"])["status"] == "reached"
    assert call(nurse, conv_b, ["noAnswer", "reached"])["status"] == "reached"
    assert call(nurse, conv_c, ["noAnswer", "noAnswer"])["status"] == "notReached"
    assert call(nurse, conv_d, ["wrongNumber"])["status"] == "notReached"
    status, cancelled = e.call("POST", f"/api/v1/conversations/{conv_e}/call-back/cancel", {})
    assert status == 200 and cancelled["status"] == "cancelled", cancelled
    for conv in (conv_a, conv_b):  # reached: closed like a chat
        status, closed = nurse.call("POST", f"/api/v1/pro/cases/{conv}/close",
                                    {"outcome": "adviceGiven", "instructions": "Soita uudelleen tarvittaessa.", "summary": "Puhelu."})
        assert status == 200, closed

    manager = Client(server.base)
    manager.sign_in(MANAGER)
    today = helsinki_today()
    status, report = manager.call("GET", f"/api/v1/stats?from={today}&to={today}")
    assert status == 200, report
    cb = report["callBacks"]
    # What the test did, as the API counts it.
    t = cb["totals"]
    assert (t["requested"], t["reached"], t["reachedOnAttempt"], t["notReached"], t["cancelled"], t["waiting"]) == (6, 2, [1, 1], 2, 1, 1), t
    assert t["reachedShare"] == 0.5 and t["calledInWindow"] == 0 and t["delaySeconds"]["count"] == 4, t
    assert [w["window"] for w in cb["byWindow"]] == sorted([label(first), label(second)]), cb["byWindow"]
    return {"report": report, "first": label(first), "second": label(second), "manager": manager}


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(server, made):
    with chrome(1366, 768) as driver:
        b = Statistics(driver, server, "stats")
        b.viewport(1366, 768)
        driver.get(server.url("/stats/"))
        b.sign_in(MANAGER, PASSWORD)
        b.wait(lambda: b.visible("#stats-view") and b.figure("cbRequested") == "6", "today's call-backs")
        b.mark()
        yield b


def duration(seconds) -> str:
    """A request → call time as the page writes it in Finnish: minutes under an hour, else hours and minutes."""
    if seconds is None:
        return "–"
    if seconds < 3600:
        return fi_minutes(seconds) + " min"
    m = round(seconds / 60)
    return f"{m // 60} h {m % 60:02d} min"


def expected_row(name: str, m: dict, lang: str = "fi") -> list[str]:
    at = m["reachedOnAttempt"] + [0, 0]
    d = m["delaySeconds"] or {}
    share = fi_share(m["reachedShare"])
    return [window_text(name, lang), str(m["requested"]), share, str(at[0]), str(at[1]), str(sum(at[2:])), str(m["notReached"]),
            str(m["cancelled"]), str(m["waiting"]), str(m["calledInWindow"]), duration(d.get("median")), duration(d.get("p90"))]


def check(b: Statistics, states: dict, name: str):
    """axe at 1366×768 and at 360×740, no sideways scroll at 360, and the page kept for the Nu checker (and
    a screenshot of the section in NEUVO_SCREENSHOTS)."""
    for width, height in ((1366, 768), (360, 740)):
        b.viewport(width, height)
        try:
            _axe(b, f"{name} at {width} px")
            if width == 360:
                assert b.no_sideways_scroll(), f"{name} scrolls sideways at 360 px"
            states[f"{name}-{width}"] = _snapshot(b)
            b.js("document.getElementById('call-backs-heading').scrollIntoView()")
            shot(b, f"{name}-{width}")
        finally:
            b.viewport(1366, 768)


def test_the_manager_sees_the_call_backs_in_finnish_and_swedish_and_an_empty_queue(server, made, browser, tmp_path):
    b = browser
    states: dict[str, str] = {}
    t = made["report"]["callBacks"]["totals"]
    by_window = made["report"]["callBacks"]["byWindow"]

    # The section, its figures, in Finnish.
    assert b.text("#call-backs-heading") == "Soittopyynnöt"
    assert not b.visible("#call-backs-empty")
    figures = {k: b.figure(k) for k in ("cbRequested", "cbReached", "cbFirst", "cbSecond", "cbLater", "cbNotReached",
                                        "cbCancelled", "cbWaiting", "cbInWindow", "cbDelay")}
    assert figures == {"cbRequested": "6", "cbReached": "50 %", "cbFirst": "1", "cbSecond": "1", "cbLater": "0", "cbNotReached": "2",
                       "cbCancelled": "1", "cbWaiting": "1", "cbInWindow": "0", "cbDelay": duration(t["delaySeconds"]["median"])}, figures
    assert b.figure("cbReached", "sub") == "2 tavoitettiin; osuus päättyneistä"
    assert b.figure("cbInWindow", "sub") == "0 % soitetuista, n = 4"
    assert b.figure("cbDelay", "sub") == f"mediaani · 90 %: enintään {duration(t['delaySeconds']['p90'])}"
    labels = b.js("return [...document.querySelectorAll('#call-back-figures .figure dt')].map(dt => dt.textContent)")
    assert labels[:2] == ["Soittopyynnöt", "Tavoitettu"] and "Tavoitettu 2. yrityksellä" in labels and "Ei tavoitettu" in labels

    # The table per window: the same columns, a row header each, the API's numbers.
    assert b.rows("#call-backs-data") == [expected_row(w["window"], w["measures"]) for w in by_window]
    rows = {r[0]: r for r in b.rows("#call-backs-data")}
    first, second = rows[window_text(made["first"], "fi")], rows[window_text(made["second"], "fi")]
    assert first[1:8] == ["3", "66,7 %", "1", "1", "0", "1", "0"], first
    assert second[1:9] == ["3", "0 %", "0", "0", "0", "1", "1", "1"], second
    table = b.js("""const t = document.getElementById('call-backs-data');
        return { caption: t.caption.textContent, heads: [...t.tHead.rows[0].cells].map(c => [c.tagName, c.scope, c.textContent]),
                 rowHeads: [...t.tBodies[0].rows].map(r => [r.cells[0].tagName, r.cells[0].scope]) }""")
    assert table["caption"] == "Soittoajoittain"
    assert [h[2] for h in table["heads"]] == ["Soittoaika (Suomen aikaa)", "Pyyntöjä", "Tavoitettu", "1. yrityksellä", "2. yrityksellä",
                                             "Myöhemmin", "Ei tavoitettu", "Peruttu", "Odottaa", "Soitettu sovittuna aikana",
                                             "Pyynnöstä soittoon, mediaani", "Pyynnöstä soittoon, 90 %"]
    assert all(h[:2] == ["TH", "col"] for h in table["heads"]) and all(r == ["TH", "row"] for r in table["rowHeads"]), table
    check(b, states, "call-backs-fi")

    # The CSV link downloads the same table (the totals first).
    link = b.find('a[data-csv="call-backs"]')
    today = helsinki_today()
    assert link.get_attribute("href").endswith(f"/api/v1/stats/csv/call-backs?from={today}&to={today}&lang=fi")
    assert plain(link.get_attribute("textContent")) == "Lataa CSV: soittopyynnöt" and link.get_attribute("download") is not None
    csv = b.driver.execute_async_script("""const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(r => r.text()).then(done, e => done(String(e)));""", link.get_attribute("href"))
    lines = csv.lstrip("\ufeff").split("\r\n")
    assert lines[0].startswith("window;requested;cancelled;waiting;reached;reached on attempt 1;"), lines[0]
    assert lines[1].startswith("all;6;1;1;2;1;1;0;2;"), lines[1]
    assert [line.split(";")[0] for line in lines[2:] if line] == [w["window"] for w in by_window]

    # Swedish: every word, the numbers as Swedish writes them.
    b.switch_language("sv", "Tjänstens statistik")
    assert b.text("#call-backs-heading") == "Återuppringningar"
    assert plain(b.find('a[data-csv="call-backs"]').get_attribute("textContent")) == "Ladda ner CSV: återuppringningar"
    assert b.figure("cbRequested") == "6" and b.figure("cbReached") == "50 %" and b.figure("cbNotReached") == "2"
    assert b.figure("cbReached", "sub") == "2 nåddes; andel av de avslutade"
    assert b.js("return document.querySelector('[data-figure=cbNotReached] dt').textContent") == "Inte nådda"
    assert b.rows("#call-backs-data") == [expected_row(w["window"], w["measures"], "sv") for w in by_window]
    heads = b.js("return [...document.querySelectorAll('#call-backs-data thead th')].map(th => th.textContent)")
    assert heads[:3] == ["Tid (finsk tid)", "Begärda", "Nådda"] and heads[6] == "Inte nådda", heads
    check(b, states, "call-backs-sv")
    b.switch_language("fi", "Palvelun tilastot")

    # A queue with no call-backs: said in one line, no figures or table.
    b.js("const s = document.getElementById('filter-queue'); s.value = 'child-health'; s.dispatchEvent(new Event('change'))")
    b.wait(lambda: b.visible("#call-backs-empty") and b.text("#report-status").endswith("Lasten terveys."), "the empty state")
    assert b.text("#call-backs-empty") == "Ei soittopyyntöjä valitulla jaksolla."
    assert not b.visible("#call-back-figures") and not b.visible("#call-backs-windows") and not b.finds("#call-backs-data")
    check(b, states, "call-backs-empty")
    # And back: the nurses' queue has them all.
    b.js("const s = document.getElementById('filter-queue'); s.value = 'nurse'; s.dispatchEvent(new Event('change'))")
    b.wait(lambda: b.figure("cbRequested") == "6" and not b.visible("#call-backs-empty"), "the nurses' call-backs")
    assert b.not_reloaded()

    paths = [REPO / "Public" / "stats" / "index.html"]
    for name, html in states.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    errors = _vnu_many(paths)
    assert not errors, "Nu HTML checker errors:\n" + "\n".join(f"{f}:\n{_errors_text(m)}" for f, m in errors.items())
