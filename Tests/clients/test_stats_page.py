"""The service managers' statistics page (/stats/) in headless Chromium against the real binary.

One module-scoped server with a prepared database (a copy of the test catalog in
which the child-health queue's first-response target is 1 minute; a manager of
the nurse and child-health queues, a nurse and an administrator) and one browser
walk a manager's morning in order:

1. the manager signs in on /stats/ and follows a resident's case live (queued,
   picked, closed with feedback, all through the API); the key figures and every
   table on the page equal the API's numbers; the page in Swedish and English;
2. a case going past its queue's target is highlighted on the live overview and
   announced in its live region, without a reload.

`test_stats_more.py` has the rest: the CSV links, who may see what,
accessibility and valid HTML, the page's modules, ranges, scales and weight.

Run (from the repository root):

    "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_stats_page.py

Environment:
    NEUVO_BIN          server binary (default: REPO/.build/debug/neuvo)
    NEUVO_SCREENSHOTS  folder for the screenshots taken along the way (default: the server's temporary one)
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import subprocess
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

import pytest

from conftest import NEUVO_BIN, REPO, Server, catalog_file, chrome, require_binary, running_server
from pages import ApiClient, Statistics, plain
from test_pro_more import _axe

MANAGER, NURSE, ADMIN = "maija", "hanna", "aino"
PASSWORD = "salasana-123456"
LATE_QUEUE = "child-health"  # its target is 1 minute here

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# --------------------------------------------------------------------------
# Server with a prepared database
# --------------------------------------------------------------------------


def _cli(*args: str, env: dict | None = None) -> None:
    p = subprocess.run([str(NEUVO_BIN), *args], capture_output=True, text=True, timeout=30,
                       env={**os.environ, **(env or {})})
    assert p.returncode == 0, f"neuvo {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}"


@contextlib.contextmanager
def prepared_server(tmp: Path) -> Iterator[Server]:
    """The binary serving a database with the catalog (child-health's target 1 minute) and the three accounts."""
    require_binary()
    catalog = json.loads(catalog_file(tmp).read_text(encoding="utf-8"))
    for queue in catalog["queues"]:
        if queue["id"] == LATE_QUEUE:
            queue["targetFirstResponseMinutes"] = 1
    path = tmp / "stats-catalog.json"
    path.write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    db = tmp / "neuvo.sqlite"
    common = ["--db", str(db), "--migrations", str(REPO / "Migrations")]
    pw = {"NEUVO_PASSWORD": PASSWORD}
    _cli("catalog", "import", str(path), *common)
    _cli("user", "add", MANAGER, "--name", "Maija Manageri", "--title", "palveluesihenkilö", "--role", "manager",
         "--queues", "nurse,child-health", *common, env=pw)
    _cli("user", "add", NURSE, "--name", "Hanna Hoitaja", "--title", "sairaanhoitaja",
         "--queues", "nurse,child-health", *common, env=pw)
    _cli("user", "add", ADMIN, "--name", "Aino Ylläpitäjä", "--title", "ylläpitäjä", "--role", "admin", *common, env=pw)
    with running_server(tmp, db=db, catalog=False) as srv:
        yield srv


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with prepared_server(tmp_path_factory.mktemp("neuvo-stats")) as srv:
        yield srv


class Client(ApiClient):
    """A resident, or a professional's or manager's session."""

    def sign_in(self, username: str, password: str = PASSWORD) -> dict:
        status, me = self.call("POST", "/api/v1/pro/login", {"username": username, "password": password})
        assert status == 200, me
        return me

    def start_case(self, subject: dict) -> str:
        status, conv = self.call("POST", "/api/v1/conversations", {})
        assert status == 201, conv
        self.id = conv["id"]
        status, outcome = self.call("POST", f"/api/v1/conversations/{self.id}/pre-questionnaire", {
            "serviceId": "skin", "subject": subject,
            "answers": {"duration": "days", "spreading": False, "breathing": False, "fever": False}})
        assert status == 200 and outcome.get("outcome") == "queued", outcome
        return self.id


def handled_case(server, nurse: Client, comment: str, subject: dict | None = None) -> str:
    """A resident's case in the nurses' queue, picked, closed with advice and given feedback 9 with `comment`."""
    resident = Client(server.base)
    case = resident.start_case(subject or {"kind": "self"})
    assert nurse.call("POST", "/api/v1/pro/pick", {"conversationId": case})[0] == 200
    assert nurse.call("POST", f"/api/v1/pro/cases/{case}/close",
                      {"outcome": "adviceGiven", "instructions": "Rasvaa iho kahdesti päivässä.", "summary": "Ihottuma."})[0] == 200
    assert resident.call("POST", f"/api/v1/conversations/{case}/feedback", {"score": 9, "comment": comment})[0] == 201
    return case


def shot(b: Statistics, name: str):
    """A screenshot of the page as it is, into NEUVO_SCREENSHOTS (default: the server's temporary folder)."""
    folder = Path(os.environ.get("NEUVO_SCREENSHOTS") or b.server.stderr_path.parent)
    folder.mkdir(parents=True, exist_ok=True)
    b.driver.save_screenshot(str(folder / f"stats-{name}.png"))


def helsinki_today() -> str:
    return datetime.datetime.now(ZoneInfo("Europe/Helsinki")).date().isoformat()


@pytest.fixture(scope="module")
def browser(server):
    with chrome(1366, 768) as driver:
        b = Statistics(driver, server, "stats")
        b.viewport(1366, 768)
        yield b


@pytest.fixture(autouse=True)
def _no_script_errors(request):
    """Fails a test during which the page threw (network 4xx entries are the page working as designed)."""
    yield
    if "browser" in request.fixturenames:
        b = request.getfixturevalue("browser")
        errors = [e for e in b.drain_logs() if e.get("level") == "SEVERE" and e.get("source") != "network"]
        assert not errors, f"errors in the page: {json.dumps(errors, indent=1)}"


# --------------------------------------------------------------------------
# Numbers as the page writes them in Finnish (Intl rounds half away from zero)
# --------------------------------------------------------------------------


def _one_decimal(x: float) -> str:
    return str(Decimal(x).quantize(Decimal("0.1"), ROUND_HALF_UP)).replace(".", ",")


def fi_minutes(seconds) -> str:
    return "–" if seconds is None else _one_decimal(seconds / 60)


def fi_share(x) -> str:
    if x is None:
        return "–"
    text = _one_decimal(x * 100)
    return (text[:-2] if text.endswith(",0") else text) + " %"


def fi_nps(score) -> str:
    if score is None:
        return "–"
    text = _one_decimal(score)
    text = text[:-2] if text.endswith(",0") else text
    return ("+" + text) if score > 0 else text.replace("-", "−")


def hour_text(h: int) -> str:
    return f"{h:02d}–{h + 1:02d}"


# Every visible string of the page (text, and the accessible names in attributes), keyed by where it
# is, so that the same place can be compared across languages; numbers (with their units) and data
# (names of people, what residents wrote) are left out.
COLLECT_STRINGS = r"""
const skip = "script, style, noscript, #user-name, #lang-select, .brand-name, .comment-text";
function visible(el) {
  if (el.closest("[hidden]")) return false;
  return el.getClientRects().length > 0;
}
function path(el) {
  const parts = [];
  for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
    if (e.id) { parts.unshift("#" + e.id); break; }
    parts.unshift(e.tagName.toLowerCase() + ":nth-child(" + ([...e.parentElement.children].indexOf(e) + 1) + ")");
  }
  return parts.join(" > ");
}
const wordy = (s) => /\p{L}{2,}/u.test(s.replace(/(^|\s)(min|h|s|n)(?=\s|$)/g, " "));
const out = {};
for (const el of document.body.querySelectorAll("*")) {
  if (el.closest(skip) || !visible(el)) continue;
  const key = path(el);
  let i = 0;
  for (const n of el.childNodes) {
    if (n.nodeType !== Node.TEXT_NODE) continue;
    const s = n.textContent.replace(/\s+/g, " ").trim();
    if (s && wordy(s)) out[key + " ::text" + i] = s;
    i++;
  }
  for (const a of ["aria-label", "title", "placeholder", "alt"]) {
    const v = el.getAttribute(a);
    if (v && wordy(v.trim())) out[key + " @" + a] = v.trim();
  }
}
out["document.title"] = document.title;
return out;
"""
SAME_IN_EVERY_LANGUAGE = {"NPS", "NPS (n)", "Neuvo"}


def _unchanged(fi: dict, other: dict, lang: str) -> list[str]:
    # (A date on a chart's axis is words only in English: 2 Dec, 2.12.)
    assert len(fi) >= 60 and set(fi) <= set(other), (
        f"the page's structure differs between fi and {lang}: only fi {sorted(set(fi) - set(other))[:8]}")
    return [f"{key}: {fi[key]!r}" for key in fi if fi[key] == other[key] and fi[key] not in SAME_IN_EVERY_LANGUAGE]


# ==========================================================================
# 1. A manager follows today's cases, live and in numbers, in fi, sv and en
# ==========================================================================


def test_1_manager_sees_today_live_and_in_numbers(server, browser):
    b = browser
    nurse = Client(server.base)
    nurse.sign_in(NURSE, PASSWORD)
    assert nurse.call("POST", "/api/v1/pro/shifts", {"queueId": "nurse", "onShift": True})[0] == 200

    b.driver.get(server.url("/stats/"))
    b.wait(lambda: b.visible("#login-form"), "the sign-in form")
    b.sign_in(MANAGER, PASSWORD)
    b.wait(lambda: b.visible("#stats-view") and b.live("nurse") and b.figure("opened") == "0", "the statistics for today")
    b.mark()
    assert b.js("return document.documentElement.lang") == "fi"
    assert b.driver.title == "Neuvo – palvelun tilastot"
    assert b.text("#user-name") == "Maija Manageri, palveluesihenkilö"
    assert not b.visible("#view-nav"), "the link to the workspace is for admins"
    today = helsinki_today()
    assert b.js("return [document.getElementById('filter-from').value, document.getElementById('filter-to').value]") == [today, today]
    assert b.find("#range-today").is_selected()
    # The queue picker has the manager's queues only (in the catalog's order); the live overview too.
    assert b.js("return [...document.querySelectorAll('#filter-queue option')].map(o => o.value)") == ["", "nurse", "child-health"]
    assert b.js("return [...document.querySelectorAll('#live-queues > li')].map(li => li.dataset.queue)") == ["nurse", "child-health"]
    assert b.live("nurse")["shift"] == "1" and b.live("nurse")["waiting"] == "0"

    # A resident's case arrives, is picked and closed, and the resident gives feedback: the live overview follows.
    resident = Client(server.base)
    case = resident.start_case({"kind": "self"})
    b.wait(lambda: b.live("nurse")["waiting"] == "1", "the waiting case on the live overview")
    assert re.fullmatch(r"0 min \d\d s", b.live("nurse")["wait"]), b.live("nurse")
    assert "tavoite 60 min" in b.live("nurse")["text"] and not b.live("nurse")["late"]
    time.sleep(1.2)  # a wait of more than a second to measure
    status, picked = nurse.call("POST", "/api/v1/pro/pick", {"conversationId": case})
    assert status == 200, picked
    b.wait(lambda: b.live("nurse")["waiting"] == "0" and b.live("nurse")["handling"] == "1", "the case in handling")
    assert b.live("nurse")["wait"] == "–"
    status, closed = nurse.call("POST", f"/api/v1/pro/cases/{case}/close",
                                {"outcome": "adviceGiven", "instructions": "Rasvaa iho kahdesti päivässä.", "summary": "Ihottuma."})
    assert status == 200, closed
    status, feedback = resident.call("POST", f"/api/v1/conversations/{case}/feedback",
                                     {"score": 9, "comment": "Sain nopeasti apua; kiitos!"})
    assert status == 201, feedback
    b.wait(lambda: b.live("nurse")["handling"] == "0", "the closed case out of handling")

    # The numbers, asked again with the button, equal the API's.
    b.find("#filter-submit").click()
    b.wait(lambda: b.figure("opened") == "1" and b.figure("nps") == "+100", "today's numbers on the page")
    manager = Client(server.base)
    manager.sign_in(MANAGER, PASSWORD)
    status, api = manager.call("GET", f"/api/v1/stats?from={today}&to={today}")
    assert status == 200, api
    m = api["totals"]
    assert m["opened"] == 1 and m["picked"] == 1 and m["nps"]["answers"] == 1 and m["waitSeconds"]["median"] >= 1
    expected = {
        "opened": str(m["opened"]), "reachedQueue": str(m["reachedQueue"]), "unansweredShare": fi_share(m["unansweredShare"]),
        "wait": fi_minutes(m["waitSeconds"]["median"]) + " min", "handling": fi_minutes(m["handlingSeconds"]["median"]) + " min",
        "nps": fi_nps(m["nps"]["score"]), "identifiedShare": fi_share(m["identifiedShare"]), "feedbackShare": fi_share(m["feedbackShare"]),
    }
    assert {k: b.figure(k) for k in expected} == expected
    assert b.figure("wait", "sub") == f"mediaani · 90 % odotti enintään {fi_minutes(m['waitSeconds']['p90'])} min"
    assert b.figure("nps", "sub") == f"n = {m['nps']['answers']}"
    assert b.figure("reachedQueue", "sub") == f"{m['picked']} otettu käsittelyyn"
    assert b.text("#report-status") == f"Näytetään {int(today[8:])}.{int(today[5:7])}.{today[:4]}, kaikki jonot."

    # Every table: per hour, day and weekday; per queue and service; outcomes, whose matter, comments.
    def buckets(rows, label):
        return [[label(r), str(r["contacts"]), str(r["picked"]), fi_minutes(r["meanWaitSeconds"])] for r in rows]
    assert b.rows("#hours-data") == buckets(api["byHour"], lambda r: hour_text(r["hour"]))
    assert [r[1:] for r in b.rows("#days-data")] == [r[1:] for r in buckets(api["byDay"], lambda r: r["date"])]
    assert [r[1:] for r in b.rows("#weekdays-data")] == [r[1:] for r in buckets(api["byWeekday"], lambda r: r["weekday"])]
    assert [r[0] for r in b.rows("#weekdays-data")] == ["maanantai", "tiistai", "keskiviikko", "torstai", "perjantai", "lauantai", "sunnuntai"]

    def group(name, g):
        w, h = g["waitSeconds"], g["handlingSeconds"]
        return [name, str(g["opened"]), str(g["reachedQueue"]), str(g["picked"]), fi_share(g["unansweredShare"]),
                fi_minutes(w["median"]), fi_minutes(w["p90"]), fi_minutes(h["median"]), f"{fi_nps(g['nps']['score'])} ({g['nps']['answers']})"]
    assert b.rows("#queues-data") == [group("Hoitajat", g["measures"]) for g in api["byQueue"]]
    assert b.rows("#services-data") == [group("Iho-oireet", g["measures"]) for g in api["byService"]]
    assert b.rows("#outcomes-table")[0] == ["Neuvonta annettu", "1", "100 %"]
    assert b.rows("#whose-table") == [["Oma asia", "1", "100 %"], ["Lapsen asia", "0", "0 %"], ["Toisen aikuisen asia", "0", "0 %"]]
    assert b.text("#comments-count") == "Näytetään 1/1 kommenttia, uusimmat ensin."
    assert plain(b.text("#comments")) == "Arvio 9/10 Sain nopeasti apua; kiitos!"
    assert [b.figure("call112"), b.figure("call116117")] == ["0", "0"]

    # The charts: one named image each, a bar per hour with contacts, the day as a line.
    hours = b.js("""const svg = document.querySelector('#hours-chart svg');
        return { role: svg.getAttribute('role'), label: svg.getAttribute('aria-label'),
                 bars: [...svg.querySelectorAll('.chart-bar rect')].filter(r => +r.getAttribute('height') > 0).length,
                 width: svg.getBoundingClientRect().width, box: svg.parentElement.clientWidth }""")
    assert hours["role"] == "img" and hours["label"].startswith("Yhteydenotot ja odotus tunneittain")
    assert hours["bars"] == sum(1 for r in api["byHour"] if r["contacts"] > 0)
    assert abs(hours["width"] - hours["box"]) <= 1, hours
    assert b.finds("#days-chart svg .chart-line path") and b.finds("#days-chart .legend li")

    # Swedish, then English: every string changes; numbers as each language writes them.
    fi = b.js(COLLECT_STRINGS)
    b.switch_language("sv", "Tjänstens statistik")
    sv = b.js(COLLECT_STRINGS)
    assert b.driver.title == "Neuvo – tjänstens statistik"
    assert b.figure("wait") == fi_minutes(m["waitSeconds"]["median"]) + " min"
    assert "Skötare" in b.live("nurse")["text"] and "Väntar" in b.live("nurse")["text"]
    assert b.rows("#queues-data")[0][0] == "Skötare"
    assert b.js("return document.querySelector('#filter-queue option').textContent") == "Alla köer"
    b.switch_language("en", "Service statistics")
    en = b.js(COLLECT_STRINGS)
    assert b.figure("wait") == fi_minutes(m["waitSeconds"]["median"]).replace(",", ".") + " min"
    assert b.figure("feedbackShare") == "100%" and b.figure("nps") == "+100"
    assert b.rows("#services-data")[0][0] == "Skin symptoms"
    assert b.text("#report-status").startswith("Showing ")
    problems = [f"still in Finnish in {lang}:\n  " + "\n  ".join(left)
                for lang, other in (("sv", sv), ("en", en)) if (left := _unchanged(fi, other, lang))]
    assert not problems, "\n".join(problems)
    b.switch_language("fi", "Palvelun tilastot")
    shot(b, "statistics")
    assert b.not_reloaded()


# ==========================================================================
# 2. A case past its queue's target, live
# ==========================================================================


def test_2_a_case_past_its_target_is_highlighted_and_announced(server, browser):
    b = browser
    b.mark()
    assert not b.live(LATE_QUEUE)["late"] and b.text("#live-status") == ""
    assert "Kaikki tavoiteajassa" in b.live(LATE_QUEUE)["text"]
    resident = Client(server.base)
    resident.start_case({"kind": "child", "firstName": "Aino", "ageYears": 4})
    b.wait(lambda: b.live(LATE_QUEUE)["waiting"] == "1", "the child's case waiting")
    assert "tavoite 1 min" in b.live(LATE_QUEUE)["text"]
    # The longest wait ticks on the page between the server's answers.
    first = b.live(LATE_QUEUE)["wait"]
    time.sleep(2.1)
    assert b.live(LATE_QUEUE)["wait"] != first

    b.wait(lambda: b.live(LATE_QUEUE)["late"], "the queue highlighted past its target", timeout=90)
    card = b.live(LATE_QUEUE)
    assert "Yli tavoitteen: 1" in card["text"] and "Kaikki tavoiteajassa" not in card["text"], card
    b.wait(lambda: b.text("#live-status") == "1 asia on odottanut yli tavoiteajan jonossa Lasten terveys.", "the announcement")
    region = b.find("#live-status")
    assert region.get_attribute("role") == "status" and region.get_attribute("aria-live") == "polite"
    # Not by colour alone: a warning sign and words, and a thicker border than a queue within its target.
    borders = b.js("""return ['nurse', arguments[0]].map(id => parseFloat(getComputedStyle(
        document.querySelector('#live-queues [data-queue="' + id + '"]')).borderTopWidth))""", LATE_QUEUE)
    assert borders[1] > borders[0], borders
    assert "⚠" in card["text"]
    assert re.fullmatch(r"1 min \d\d s", card["wait"]), card
    assert not b.live("nurse")["late"]
    _axe(b, "a queue past its target")
    shot(b, "past-target")
    assert b.not_reloaded()
