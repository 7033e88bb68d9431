"""The register keeper's access log on the statistics page (/stats/?view=log), in headless Chromium against the real binary.

One module-scoped server (trusting 127.0.0.1 as the identifying proxy) with a manager, a nurse, an
administrator and a record system's API key. Two strongly identified residents open cases; the
first one's is picked and opened by the nurse, closed, read by the administrator, and pulled and
acknowledged by the record system; the second one's is picked too. Then, on the page:

1. the administrator reaches the access log from the page's navigation (not a manager), searches
   by the first resident's identity code and sees exactly that person's entries (who, what and why,
   the case, the time in Finnish time), hears how many in the polite live region, downloads the same
   search as CSV; the view in Swedish and English;
2. a search by the nurse's username shows only hers; a bad identity code, or no criterion at all, shows
   the API's error beside its field with the keyboard there; more than the page shows is noted;
3. axe-core (WCAG 2.1 A/AA) finds nothing and the Nu HTML checker no error with results and with a
   field error, at 1366×768 and 360×740, and the page never scrolls sideways at 360 px;
4. a manager never sees the access log (not even at its address), and signing out forgets the search.

Run (from the repository root):

    "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_access_log_page.py

Environment:
    NEUVO_BIN          server binary (default: REPO/.build/debug/neuvo)
    NEUVO_SCREENSHOTS  folder for the screenshots taken along the way (default: the server's temporary one)
"""

from __future__ import annotations

import datetime
import re
import subprocess
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest

from conftest import NEUVO_BIN, REPO, catalog_file, chrome, require_binary, running_server
from pages import Statistics, plain
from test_pro_more import _errors_text
from test_stats_more import _check, _vnu_many
from test_stats_page import ADMIN, MANAGER, NURSE, PASSWORD, Client, _cli
from test_stats_page import _no_script_errors  # noqa: F401 (autouse here too)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FIRST, SECOND, WRONG = "131052-308T", "010190-123M", "131052-308A"  # two valid codes, and one with a wrong check character
KEY = "potilastieto"  # the record system's API key's name
CSV_HEADER = "time;reader;name;role;action;reason;conversation;export"
FIELDS = ("identityCode", "conversation", "professional", "from", "to")

NURSE_WHO = "Hanna Hoitaja (hanna), ammattilainen"
ADMIN_WHO = "Aino Ylläpitäjä (aino), pääkäyttäjä"
SYSTEM_WHO = f"Potilastietojärjestelmä (rajapinta-avain {KEY})"
PICKED = "Avasi asian käsittelijänä (otti asian jonosta)"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_binary()
    tmp = tmp_path_factory.mktemp("neuvo-access-log")
    db = tmp / "neuvo.sqlite"
    common = ["--db", str(db), "--migrations", str(REPO / "Migrations")]
    pw = {"NEUVO_PASSWORD": PASSWORD}
    _cli("catalog", "import", str(catalog_file(tmp)), *common)
    _cli("user", "add", MANAGER, "--name", "Maija Manageri", "--title", "palveluesihenkilö", "--role", "manager",
         "--queues", "nurse", *common, env=pw)
    _cli("user", "add", NURSE, "--name", "Hanna Hoitaja", "--title", "sairaanhoitaja", "--queues", "nurse", *common, env=pw)
    _cli("user", "add", ADMIN, "--name", "Aino Ylläpitäjä", "--title", "ylläpitäjä", "--role", "admin", *common, env=pw)
    p = subprocess.run([str(NEUVO_BIN), "apikey", "create", KEY, *common], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    with running_server(tmp, db=db, catalog=False, extra=("--trusted-proxy", "127.0.0.1", "--secure-cookies", "off")) as srv:
        srv.api_key = p.stdout.split()[-1]
        yield srv


def identified_case(server, code: str) -> str:
    resident = Client(server.base)
    resident.extra_headers = {"X-Neuvo-Identity": code}  # from the trusted proxy: strongly identified
    return resident.start_case({"kind": "self"})


@pytest.fixture(scope="module")
def cases(server):
    """The first resident's case: picked, opened, closed, read by the admin, pulled and acknowledged; the second's picked."""
    first, second = identified_case(server, FIRST), identified_case(server, SECOND)
    nurse = Client(server.base)
    nurse.sign_in(NURSE)
    assert nurse.call("POST", "/api/v1/pro/pick", {"conversationId": first})[0] == 200
    assert nurse.call("GET", f"/api/v1/pro/cases/{first}")[0] == 200
    assert nurse.call("POST", f"/api/v1/pro/cases/{first}/close",
                      {"outcome": "adviceGiven", "instructions": "Rasvaa iho kahdesti päivässä.", "summary": "Ihottuma."})[0] == 200
    admin = Client(server.base)
    admin.sign_in(ADMIN)
    assert admin.call("GET", f"/api/v1/pro/admin/cases/{first}")[0] == 200
    system = Client(server.base)
    system.extra_headers = {"Authorization": f"Bearer {server.api_key}"}
    status, page = system.call("GET", "/api/v1/record-exports")
    assert status == 200 and [e["conversationId"] for e in page["exports"]] == [first], page
    export = page["exports"][0]["id"]
    assert system.call("POST", f"/api/v1/record-exports/{export}/ack", {})[0] == 200
    assert nurse.call("POST", "/api/v1/pro/pick", {"conversationId": second})[0] == 200
    return {"first": first, "second": second, "export": export, "admin": admin}


@pytest.fixture(scope="module")
def browser(server):
    with chrome(1366, 768) as driver:
        b = Statistics(driver, server, "access-log")
        b.viewport(1366, 768)
        yield b


def search(b: Statistics, **criteria: str):
    """Fills the form (each field the given value, else empty; dates as YYYY-MM-DD), searches, waits for the answer."""
    for name in FIELDS:
        field = b.find(f"#log-{name}")
        b.js("arguments[0].value = arguments[1]", field, criteria.get(name, "") if name in ("from", "to") else "")
        if name not in ("from", "to") and criteria.get(name):
            field.send_keys(criteria[name])
    b.find("#log-submit").click()
    b.wait(lambda: b.text("#log-status") != "Haetaan lokitietoja…" and (
        b.visible("#log-results") or b.visible("#log-query-error") or b.finds(".log-fields .field-error:not([hidden])")),
        "the search's answer")


def finnish_time(at: str) -> str:
    d = datetime.datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(ZoneInfo("Europe/Helsinki"))
    return f"{d.day}.{d.month}.{d.year} klo {d:%H.%M.%S}"


FETCH_CSV = """
const done = arguments[arguments.length - 1];
const a = document.getElementById('log-csv');
fetch(a.href).then(async (r) => {
  const bytes = new Uint8Array(await r.arrayBuffer());
  done({ href: a.getAttribute('href'), download: a.hasAttribute('download'), name: a.textContent, status: r.status,
         type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'), bom: Array.from(bytes.slice(0, 3)),
         text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(3)) });
}, (e) => done(String(e)));
"""


# ==========================================================================
# 1. Who opened the first resident's data
# ==========================================================================


def test_1_admin_finds_who_opened_a_residents_data(server, cases, browser):
    b = browser
    b.driver.get(server.url("/stats/"))
    b.sign_in(ADMIN, PASSWORD)
    b.wait(lambda: b.visible("#stats-view") and b.visible("#nav-to-log"), "the statistics with the access log in the navigation")
    b.mark()
    assert b.text("#nav-to-log") == "Lokitiedot" and b.find("#nav-to-stats").get_attribute("aria-current") == "page"
    assert not b.visible("#log-view") and not b.finds("#stats-view #log-form"), "a view of its own, not within the statistics"
    b.find("#nav-to-log").click()
    b.wait(lambda: b.visible("#log-view") and not b.visible("#stats-view"), "the access log")
    assert urlparse(b.driver.current_url).query == "view=log" and b.driver.title == "Neuvo – lokitiedot"
    assert b.js("return document.activeElement.id") == "log-heading" and b.text("#log-heading") == "Lokitiedot"
    assert b.find("#nav-to-log").get_attribute("aria-current") == "page" and b.find("#nav-to-stats").get_attribute("aria-current") is None
    assert b.find("#skip-link").get_attribute("href").endswith("#log-view")

    search(b, identityCode=FIRST)
    status, api = cases["admin"].call("GET", f"/api/v1/audit?identityCode={FIRST}")
    assert status == 200 and len(api["entries"]) == 5 and not api["truncated"], api
    first, export = cases["first"], cases["export"]
    rows = b.rows("#log-data")
    assert [r[0] for r in rows] == [finnish_time(e["at"]) for e in api["entries"]]
    assert all(re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4} klo \d\d\.\d\d\.\d\d", r[0]) for r in rows), rows
    assert [r[1:] for r in rows] == [
        [SYSTEM_WHO, f"Kuittasi kirjauksen vastaanotetuksi (vienti {export})", first],
        [SYSTEM_WHO, f"Haki asian kirjauksen (vienti {export})", first],
        [ADMIN_WHO, "Avasi asian pääkäyttäjänä (vain luku)", first],
        [NURSE_WHO, "Avasi asian", first],
        [NURSE_WHO, PICKED, first],
    ]
    assert cases["second"] not in b.text("#log-view")
    assert b.js("return [...document.querySelectorAll('#log-data tbody tr')].map(tr => tr.dataset.action)") == \
        ["acknowledged", "pulled", "opened", "opened", "opened"]
    assert b.js("return document.querySelector('#log-data tbody th time').getAttribute('datetime')") == api["entries"][0]["at"]
    assert plain(b.text("#log-criteria")) == f"Haku: henkilötunnus {FIRST}. Uusimmat ensin."
    status_node = b.find("#log-status")
    assert status_node.get_attribute("role") == "status" and status_node.get_attribute("aria-live") == "polite"
    assert b.text("#log-status") == "Löytyi 5 merkintää." and not b.visible("#log-truncated")
    assert "identityCode" not in b.driver.current_url, "an identity code stays out of the address and the history"

    # The CSV of the same search, with the session cookie.
    got = b.driver.execute_async_script(FETCH_CSV)
    assert isinstance(got, dict), got
    assert got["href"] == f"/api/v1/audit/csv?identityCode={FIRST}" and got["download"]
    assert plain(got["name"]) == "Lataa CSV: lokimerkinnät"
    assert got["status"] == 200 and got["type"].startswith("text/csv") and got["disposition"].startswith("attachment")
    assert got["bom"] == [0xEF, 0xBB, 0xBF]
    lines = got["text"].split("\r\n")
    assert lines[0] == CSV_HEADER and len([x for x in lines[1:] if x]) == 5, lines
    assert lines[1].split(";")[1:] == ["recordSystem", KEY, "", "acknowledged", "", first, export]
    assert lines[3].split(";")[1:] == ["professional", ADMIN, "admin", "opened", "admin", first, ""]

    # In Swedish and English; back in Finnish.
    for lang, heading, what, who in (("sv", "Loggdata", "Öppnade ärendet som huvudanvändare (endast läsning)", "Vem"),
                                     ("en", "Access log", "Opened the case as an administrator (read only)", "Who")):
        b.js("const s = document.getElementById('lang-select'); s.value = arguments[0];"
             "s.dispatchEvent(new Event('change', {bubbles: true}))", lang)
        b.wait(lambda: b.text("#log-heading") == heading, f"the access log in {lang}")
        assert b.rows("#log-data")[2][2] == what and b.text("#log-data thead th:nth-child(2)") == who
        assert b.driver.title == f"Neuvo – {heading.lower()}" and b.text("#nav-to-log") == heading
    assert b.text("#log-status") == "5 entries found." and b.rows("#log-data")[0][1] == f"Record system (API key {KEY})"
    b.js("const s = document.getElementById('lang-select'); s.value = 'fi'; s.dispatchEvent(new Event('change', {bubbles: true}))")
    b.wait(lambda: b.text("#log-heading") == "Lokitiedot", "the access log in Finnish")

    # Back and forward between the views, without a reload.
    b.driver.back()
    b.wait(lambda: b.visible("#stats-view") and not b.visible("#log-view"), "the statistics again")
    b.driver.forward()
    b.wait(lambda: b.visible("#log-view") and b.rows("#log-data"), "the access log again, as it was")
    assert b.not_reloaded()


# ==========================================================================
# 2. By the nurse's username; the API's field errors; more than the page shows
# ==========================================================================


def test_2_by_username_field_errors_and_truncation(server, cases, browser):
    b = browser
    search(b, professional=NURSE)
    rows = b.rows("#log-data")
    # Her pick of the second case; her later opening of the first, then her pick of it.
    assert [r[1:3] for r in rows] == [[NURSE_WHO, PICKED], [NURSE_WHO, "Avasi asian"], [NURSE_WHO, PICKED]], rows
    assert [r[3] for r in rows] == [cases["second"], cases["first"], cases["first"]]
    assert b.text("#log-status") == "Löytyi 3 merkintää."
    assert b.find("#log-csv").get_attribute("href").endswith(f"/api/v1/audit/csv?professional={NURSE}")

    # A bad identity code: the error beside that field, the keyboard there, no results.
    search(b, identityCode=WRONG)
    b.wait(lambda: b.visible("#log-identityCode-error"), "the identity code's error")
    assert b.text("#log-identityCode-error").startswith("Tarkista henkilötunnus")
    field = b.find("#log-identityCode")
    assert field.get_attribute("aria-invalid") == "true"
    assert "log-identityCode-error" in field.get_attribute("aria-describedby").split()
    assert b.js("return document.activeElement.id") == "log-identityCode"
    assert b.js("return document.getElementById('log-identityCode-error').closest('.field').contains("
                "document.getElementById('log-identityCode'))")
    assert not b.visible("#log-results") and not b.visible("#log-professional-error")

    # An unknown username, and no criterion at all.
    search(b, professional="nobody")
    assert b.text("#log-professional-error") == "Tällä käyttäjätunnuksella ei ole ammattilaista."
    assert b.js("return document.activeElement.id") == "log-professional"
    assert b.find("#log-identityCode").get_attribute("aria-invalid") is None and not b.visible("#log-identityCode-error")
    search(b)
    assert b.text("#log-query-error") == "Anna vähintään yksi hakuehto."
    assert b.js("return document.activeElement.id") == "log-identityCode"
    assert "log-query-error" in b.find("#log-identityCode").get_attribute("aria-describedby").split()

    # More than the page shows (every search is logged: over a thousand of the admin's): the newest, and a note.
    admin = cases["admin"]
    for _ in range(1001):
        assert admin.call("GET", f"/api/v1/audit?professional={NURSE}")[0] == 200
    search(b, professional=ADMIN)
    b.wait(lambda: b.visible("#log-truncated"), "the note that there were more")
    assert plain(b.text("#log-status")) == "Löytyi 1 000 merkintää. Ehtoja vastaa useampia kuin näytetään."
    assert plain(b.text("#log-truncated")).startswith("Näytetään uusimmat 1 000 merkintää")
    assert len(b.finds("#log-data tbody tr")) == 1000
    first = b.rows("#log-data")[0]
    assert first[1] == ADMIN_WHO and first[2] == f"Haki lokitietoja: ammattilainen {NURSE} – tuloksia 3", first
    assert b.not_reloaded()


# ==========================================================================
# 3. Accessibility and HTML validity, at 1366×768 and 360×740
# ==========================================================================


def test_3_accessibility_and_valid_html(server, cases, browser, tmp_path):
    b = browser
    states: dict[str, str] = {}
    today = datetime.datetime.now(ZoneInfo("Europe/Helsinki")).date().isoformat()
    search(b, identityCode=FIRST, **{"from": today, "to": today})
    assert len(b.rows("#log-data")) == 5
    _check(b, states, "access-log", ready=lambda: b.visible("#log-data"))
    search(b, identityCode=WRONG)
    _check(b, states, "access-log-error", ready=lambda: b.visible("#log-identityCode-error"))
    search(b, identityCode=SECOND, to="2000-01-01", **{"from": today})
    assert b.text("#log-to-error").startswith("Anna kelvollinen päättymispäivä")
    assert b.js("return document.activeElement.id") == "log-to"

    paths = []
    for name, html in states.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    errors = _vnu_many(paths)
    assert not errors, "Nu HTML checker errors:\n" + "\n".join(f"{f}:\n{_errors_text(m)}" for f, m in errors.items())


# ==========================================================================
# 4. Not for a manager; signing out forgets the search
# ==========================================================================


def test_4_a_manager_never_sees_the_access_log_and_signing_out_forgets(server, cases, browser):
    b = browser
    search(b, identityCode=FIRST)
    b.find("#logout-button").click()
    b.wait(lambda: b.visible("#login-form"), "signed out")
    assert not b.finds("#log-data") and b.js("return document.getElementById('log-identityCode').value") == ""
    assert b.js("return document.getElementById('log-status').textContent") == ""
    assert b.driver.title == "Neuvo – palvelun tilastot"

    manager = Client(server.base)
    manager.sign_in(MANAGER)
    assert manager.call("GET", f"/api/v1/audit?identityCode={FIRST}")[0] == 404
    with chrome(1366, 768) as driver:
        p = Statistics(driver, server, "manager")
        driver.get(server.url("/stats/?view=log"))
        p.sign_in(MANAGER, PASSWORD)
        p.wait(lambda: p.visible("#stats-view") and p.live("nurse"), "the manager's statistics")
        assert not p.visible("#log-view") and not p.visible("#view-nav") and not p.visible("#nav-to-log")
        assert "Lokitiedot" not in p.js("return document.body.innerText")
        assert "view=log" not in driver.current_url
        errors = [e for e in p.drain_logs() if e.get("level") == "SEVERE" and e.get("source") != "network"]
        assert not errors, errors
