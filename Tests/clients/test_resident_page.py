"""The resident's page (Public/index.html, app.css, app.js) in headless Chromium.

A real Neuvo binary serves the page and the API with the test catalog
(Tests/NeuvoTestSupport/TestCatalog.swift); selenium walks the resident's
journey: whose matter → service → pre-questions → queue and chat, plus the
red-flag stop, the language switch, a 360 px phone and a clean console.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_resident_page.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NEUVO_BIN = Path(os.environ.get("NEUVO_BIN", REPO / ".build" / "debug" / "neuvo"))
if not NEUVO_BIN.is_absolute():
    NEUVO_BIN = (REPO / NEUVO_BIN).resolve()
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
LISTEN_RE = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")
WAIT = 10  # seconds for anything the page should show

# Every browser console entry seen in this module; the last test requires no SEVERE one.
CONSOLE: list[dict] = []


# --------------------------------------------------------------------------
# Server with the test catalog, and one browser for the module
# --------------------------------------------------------------------------


class CatalogServer:
    def __init__(self, proc: subprocess.Popen, port: int, log: list[str]):
        self.proc, self.port, self.log = proc, port, log
        self.base = f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def diagnostics(self) -> str:
        return "--- server output (tail) ---\n" + "".join(self.log[-40:])


def _test_catalog(tmp: Path) -> Path:
    swift = (REPO / "Tests" / "NeuvoTestSupport" / "TestCatalog.swift").read_text()
    start, end = swift.index('#"""') + 4, swift.index('"""#')
    path = tmp / "test-catalog.json"
    path.write_text(swift[start:end])
    json.loads(path.read_text())  # fail early on a broken extraction
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real binary on a free port, with a fresh database and the test catalog.

    Named `server` so conftest's `_server_alive` check covers it too."""
    if not NEUVO_BIN.is_file():
        pytest.fail(f"server binary not found: {NEUVO_BIN} (build it with `swift build`, or set NEUVO_BIN)")
    tmp = tmp_path_factory.mktemp("resident-page")
    cmd = [str(NEUVO_BIN), "serve", "--host", "127.0.0.1", "--port", "0", "--db", str(tmp / "neuvo.sqlite"),
           "--public", str(REPO / "Public"), "--migrations", str(REPO / "Migrations"),
           "--catalog", str(_test_catalog(tmp))]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp)
    lines: queue.Queue[str | None] = queue.Queue()
    log: list[str] = []

    def pump():
        for raw in proc.stdout:
            line = raw.decode("utf-8", errors="replace")
            log.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    port, deadline = None, time.monotonic() + 30
    while port is None and time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        if m := LISTEN_RE.search(line):
            port = int(m.group(1))
    srv = CatalogServer(proc, port or 0, log)
    try:
        if port is None:
            pytest.fail(f"server did not start: {' '.join(cmd)}\n{srv.diagnostics()}")
        yield srv
        assert proc.poll() is None, f"server exited early\n{srv.diagnostics()}"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture(scope="module")
def driver():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            pytest.fail(f"{path} is missing: run `bash .ci/setup`")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(arg)
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    d.set_page_load_timeout(15)
    d.set_script_timeout(10)
    try:
        yield d
    finally:
        d.quit()


@pytest.fixture(autouse=True)
def _collect_console(request):
    yield
    if "driver" in request.fixturenames:
        CONSOLE.extend(request.getfixturevalue("driver").get_log("browser"))


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def by_css(d, css):
    from selenium.webdriver.common.by import By
    return d.find_element(By.CSS_SELECTOR, css)


def all_css(d, css):
    from selenium.webdriver.common.by import By
    return d.find_elements(By.CSS_SELECTOR, css)


def until(d, condition, message, timeout=WAIT):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(d, timeout, poll_frequency=0.05).until(lambda _: condition(), message)


def click(d, css):
    by_css(d, css).click()


def fresh(d, srv):
    """A new resident: no stored conversation or language, no session cookie."""
    # Cleared from a blank page, so no request of the old page is left in flight.
    d.get("about:blank")
    d.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": srv.base, "storageTypes": "cookies,local_storage"})
    d.get(srv.url("/"))
    until(d, lambda: by_css(d, "#step-subject").is_displayed(), "step 1 did not appear")


def visible(d, css) -> bool:
    els = all_css(d, css)
    return bool(els) and els[0].is_displayed()


def message_texts(d) -> list[str]:
    # One script call, so a list re-rendered meanwhile cannot leave stale elements behind.
    return d.execute_script("return [...document.querySelectorAll('#messages li .text')].map((p) => p.textContent)")


def api(srv, d, method, path, body=None):
    """Calls the API as the page's resident, with the session cookie taken from the browser."""
    cookie = d.get_cookie("neuvo_resident")
    assert cookie, "the page has no neuvo_resident cookie"
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(srv.url(path), data=data, method=method, headers={
        "Cookie": f"neuvo_resident={cookie['value']}", "X-Requested-With": "neuvo", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, json.loads(r.read())


def choose_self_skin(d):
    click(d, "label[for=subject-self]")
    click(d, "#subject-form button[type=submit]")
    until(d, lambda: visible(d, "[data-service=illness]"), "the service list did not appear")
    click(d, "[data-service=illness]")
    until(d, lambda: visible(d, "[data-service=skin]"), "'Illness and health' did not open its children")
    click(d, "[data-service=skin]")
    until(d, lambda: visible(d, "#question-duration"), "the skin questions did not appear")


def submit_queued_skin(d):
    """Myself → Illness and health → Skin symptoms, with the `spreading` branch; returns the conversation id."""
    choose_self_skin(d)
    assert not visible(d, "#question-spreading"), "'spreading' is shown before the duration is known"
    assert not visible(d, "#question-temperature"), "'temperature' is shown without fever"
    click(d, "label[for=q-duration-days]")
    until(d, lambda: visible(d, "#question-spreading"), "duration=days did not show 'spreading'")
    click(d, "label[for=q-spreading-yes]")
    click(d, "label[for=q-breathing-no]")
    click(d, "label[for=q-fever-no]")
    assert not visible(d, "#question-temperature")
    by_css(d, "#q-notes").send_keys("Punaisia läiskiä käsivarressa")
    click(d, "#submit-answers")
    until(d, lambda: visible(d, "#step-conversation"), "the waiting view did not appear")
    conv = d.execute_script("return localStorage.getItem('neuvo.conversation')")
    assert conv, "the conversation id is not kept in localStorage"
    return conv


_QUEUED: dict = {}


@pytest.fixture
def queued(driver, server):
    """The page showing a queued skin matter (made by test 1, or here when run alone)."""
    if not _QUEUED or driver.execute_script("return localStorage.getItem('neuvo.conversation')") != _QUEUED["id"]:
        fresh(driver, server)
        _QUEUED["id"] = submit_queued_skin(driver)
    return _QUEUED["id"]


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


def test_self_skin_with_branch_is_queued_first(driver, server):
    fresh(driver, server)
    _QUEUED["id"] = conv = submit_queued_skin(driver)
    assert by_css(driver, "#h-conv").text == "Asiasi on jonossa"
    until(driver, lambda: by_css(driver, "#conv-position").text == "Olet jonossa sijalla 1.", "position 1 not shown")
    assert by_css(driver, "#conv-queue").text == "Hoitajat"
    assert by_css(driver, "#conv-next").text.strip(), "what happens next is not said"
    assert driver.execute_script("return document.activeElement.id") == "h-conv", "focus did not move to the heading"
    assert visible(driver, "#withdraw") and visible(driver, "#chat-text")
    status, body = api(server, driver, "GET", f"/api/v1/conversations/{conv}")
    assert status == 200 and body["status"] == "queued" and body["queueId"] == "nurse" and body["position"] == 1, body


def test_messages_arrive_live_and_reply_is_not_duplicated(driver, server, queued):
    driver.execute_script("window.__sameDocument = true")
    outside = "Viesti toiselta laitteelta " + uuid.uuid4().hex[:6]
    status, _ = api(server, driver, "POST", f"/api/v1/conversations/{queued}/messages",
                    {"clientId": str(uuid.uuid4()), "text": outside})
    assert status == 201
    until(driver, lambda: outside in message_texts(driver), "the message did not appear without reload")
    until(driver, lambda: outside in by_css(driver, "#announcer").get_attribute("textContent"),
          "the new message was not announced in the live region")
    assert by_css(driver, "#announcer").get_attribute("aria-live") == "polite"

    reply = "Kiitos, odotan vastausta " + uuid.uuid4().hex[:6]
    by_css(driver, "#chat-text").send_keys(reply)
    click(driver, "#chat-form button[type=submit]")
    assert by_css(driver, "#chat-text").get_attribute("value") == ""
    until(driver, lambda: all_css(driver, "#messages li.mine:not(.pending)")
          and reply in message_texts(driver) and not all_css(driver, "#messages li.pending"),
          "the reply was not confirmed")
    # Events arrive in order: once a later message shows, the echo of the reply has been seen too.
    marker = "Merkki " + uuid.uuid4().hex[:6]
    api(server, driver, "POST", f"/api/v1/conversations/{queued}/messages", {"clientId": str(uuid.uuid4()), "text": marker})
    until(driver, lambda: marker in message_texts(driver), "the later message did not appear")
    texts = message_texts(driver)
    assert texts.count(reply) == 1, texts
    assert texts.count(outside) == 1, texts
    assert texts.index(outside) < texts.index(reply) < texts.index(marker), texts
    assert driver.execute_script("return window.__sameDocument === true"), "the page reloaded"
    _, events = api(server, driver, "GET", f"/api/v1/conversations/{queued}/events?after=0&wait=0")
    assert [e["data"]["text"] for e in events["events"] if e["type"] == "message"].count(reply) == 1


def test_reload_keeps_the_conversation(driver, server, queued):
    before = message_texts(driver)
    position = by_css(driver, "#conv-position").text
    driver.refresh()
    until(driver, lambda: visible(driver, "#step-conversation"), "the waiting view did not come back after reload")
    until(driver, lambda: message_texts(driver) == before, f"messages differ after reload: {message_texts(driver)} vs {before}")
    assert by_css(driver, "#h-conv").text == "Asiasi on jonossa"
    assert by_css(driver, "#conv-queue").text == "Hoitajat"
    until(driver, lambda: by_css(driver, "#conv-position").text == position, "position changed after reload")
    assert driver.execute_script("return localStorage.getItem('neuvo.conversation')") == queued


def test_red_flag_shows_112_and_does_not_queue(driver, server):
    fresh(driver, server)
    choose_self_skin(driver)
    click(driver, "label[for=q-duration-hours]")
    click(driver, "label[for=q-breathing-yes]")
    click(driver, "label[for=q-fever-no]")
    click(driver, "#submit-answers")
    until(driver, lambda: visible(driver, "#step-redflag"), "the red-flag screen did not appear")
    assert by_css(driver, "#h-redflag").text == "Soita heti 112"
    assert by_css(driver, "#redflag-message").text == "Soita nyt 112."
    call = by_css(driver, "#redflag-call")
    assert call.is_displayed() and call.get_attribute("href") == "tel:112"
    assert not visible(driver, "#step-conversation") and not visible(driver, "#withdraw")
    conv = driver.execute_script("return localStorage.getItem('neuvo.conversation')")
    _, body = api(server, driver, "GET", f"/api/v1/conversations/{conv}")
    assert body["outcome"] == "redFlag" and body["status"] == "closed" and "queueId" not in body, body


def test_language_switch_to_swedish(driver, server):
    fresh(driver, server)
    assert by_css(driver, "#h-subject").text == "Kenen asiaa hoidat?"
    click(driver, ".lang[data-lang=sv]")
    assert driver.execute_script("return document.documentElement.lang") == "sv"
    assert by_css(driver, "#h-subject").text == "Vems ärende sköter du?"
    assert by_css(driver, ".lang[data-lang=sv]").get_attribute("aria-pressed") == "true"
    click(driver, "label[for=subject-self]")
    click(driver, "#subject-form button[type=submit]")
    until(driver, lambda: visible(driver, "[data-service=illness]"), "the service list did not appear")
    assert by_css(driver, "[data-service=illness]").text == "Sjukdom och hälsa"
    click(driver, "[data-service=illness]")
    until(driver, lambda: visible(driver, "[data-service=skin]"), "the skin service did not appear")
    assert by_css(driver, "[data-service=skin]").text == "Hudsymtom"
    click(driver, "[data-service=skin]")
    until(driver, lambda: visible(driver, "#question-duration"), "questions did not appear")
    assert by_css(driver, "#question-duration legend").text == "Hur länge har utslaget varat?"
    assert by_css(driver, "label[for=q-duration-days]").text == "Dagar"
    assert by_css(driver, "label[for=q-fever-yes]").text == "Ja"
    # Switching back re-renders the catalog texts, and the choice survives a reload.
    click(driver, ".lang[data-lang=en]")
    assert by_css(driver, "#question-duration legend").text == "How long has the rash lasted?"
    click(driver, ".lang[data-lang=sv]")
    driver.refresh()
    until(driver, lambda: by_css(driver, "#h-subject").text == "Vems ärende sköter du?", "the language was not kept")


def test_phone_width_has_no_horizontal_scroll(driver, server):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 360, "height": 800, "deviceScaleFactor": 2, "mobile": True})
    try:
        fresh(driver, server)

        def fits(where):
            width = driver.execute_script("return document.documentElement.scrollWidth")
            assert width <= 360, f"{where}: the page is {width} px wide on a 360 px phone"

        fits("whose matter")
        click(driver, "label[for=subject-child]")
        by_css(driver, "#child-name").send_keys("Aino")
        by_css(driver, "#child-age").send_keys("3")
        fits("child details")
        click(driver, "#subject-form button[type=submit]")
        until(driver, lambda: visible(driver, "[data-service=illness]"), "the service list did not appear")
        fits("services")
        click(driver, "[data-service=illness]")
        until(driver, lambda: visible(driver, "[data-service=skin]"), "the skin service did not appear")
        click(driver, "[data-service=skin]")
        until(driver, lambda: visible(driver, "#question-duration"), "questions did not appear")
        click(driver, "label[for=q-duration-weeks]")
        click(driver, "label[for=q-spreading-no]")
        click(driver, "label[for=q-breathing-no]")
        click(driver, "label[for=q-fever-yes]")
        by_css(driver, "#q-temperature").send_keys("38,2")
        fits("questions")
        click(driver, "#submit-answers")
        until(driver, lambda: visible(driver, "#step-conversation"), "the waiting view did not appear")
        assert by_css(driver, "#conv-queue").text == "Lasten terveys"
        long_word = "Ihottuma" * 20
        by_css(driver, "#chat-text").send_keys(long_word)
        click(driver, "#chat-form button[type=submit]")
        until(driver, lambda: long_word in message_texts(driver), "the message did not show")
        fits("waiting view with a long message")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_no_console_errors(driver, server):
    # One more plain visit, then everything the browser logged during this module.
    fresh(driver, server)
    time.sleep(0.3)
    CONSOLE.extend(driver.get_log("browser"))
    severe = [e for e in CONSOLE if e.get("level") == "SEVERE"]
    assert not severe, f"browser console errors: {severe}"
