"""The resident's page (Public/index.html, app.css, the modules in Public/resident and Public/shared) in headless Chromium.

A real Neuvo binary serves the page and the API with the test catalog
(Tests/NeuvoTestSupport/TestCatalog.swift); selenium walks the resident's
journey: whose matter → service → pre-questions → queue and chat, plus the
red-flag stop, the language switch, a 360 px phone, photos (in the chat and in
the pre-questions, with their location metadata gone), feedback after a
professional closes the matter, and a clean console.

Screenshots at 360×800 (the chat with a photo, the feedback form) are written to
$NEUVO_SCREENSHOTS when set, else to the module's temporary folder.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_resident_page.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import re
import signal
import sqlite3
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
import zlib
from pathlib import Path

import pytest

from conftest import catalog_file, chrome

REPO = Path(__file__).resolve().parents[2]
NEUVO_BIN = Path(os.environ.get("NEUVO_BIN", REPO / ".build" / "debug" / "neuvo"))
if not NEUVO_BIN.is_absolute():
    NEUVO_BIN = (REPO / NEUVO_BIN).resolve()
LISTEN_RE = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")
WAIT = 10  # seconds for anything the page should show
PRO_USER, PRO_PASSWORD = "hanna", "Hoitaja-salasana-2024"

# Every browser console entry seen in this module; the last test requires no SEVERE one.
CONSOLE: list[dict] = []


# --------------------------------------------------------------------------
# Server with the test catalog, and one browser for the module
# --------------------------------------------------------------------------


class CatalogServer:
    def __init__(self, proc: subprocess.Popen, port: int, log: list[str], db: Path, tmp: Path):
        self.proc, self.port, self.log, self.db, self.tmp = proc, port, log, db, tmp
        self.base = f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def diagnostics(self) -> str:
        return "--- server output (tail) ---\n" + "".join(self.log[-40:])


@contextlib.contextmanager
def catalog_server(tmp: Path, users=((PRO_USER, "Hanna Hoitaja", "sairaanhoitaja", "nurse"),), demo: bool = False):
    """The real binary on a free port, with a fresh database in `tmp`, the test catalog and `users`
    ((username, name, title, queues); password PRO_PASSWORD) added with the CLI before the server starts.
    `demo` serves with `--demo` instead (the test identification), which needs the demo catalog and its
    own professionals: `--demo --catalog TEST` exits at start, as the demo's professionals belong to
    queues the test catalog lacks."""
    if not NEUVO_BIN.is_file():
        pytest.fail(f"server binary not found: {NEUVO_BIN} (build it with `swift build`, or set NEUVO_BIN)")
    db, catalog = tmp / "neuvo.sqlite", catalog_file(tmp)
    where = ["--db", str(db), "--migrations", str(REPO / "Migrations")]
    steps = [] if demo else [(["catalog", "import", str(catalog)], {})]
    steps += [] if demo else [(["user", "add", user, "--name", name, "--title", title, "--queues", queues], {"NEUVO_PASSWORD": PRO_PASSWORD})
              for user, name, title, queues in users]
    for args, env in steps:
        done = subprocess.run([str(NEUVO_BIN), *args, *where], cwd=tmp, capture_output=True, text=True, timeout=60,
                              env={**os.environ, **env}, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"neuvo {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    cmd = [str(NEUVO_BIN), "serve", "--host", "127.0.0.1", "--port", "0", "--db", str(db),
           "--public", str(REPO / "Public"), "--migrations", str(REPO / "Migrations")]
    cmd += (["--demo", "--catalog", str(REPO / "Sources" / "neuvo" / "demo-catalog.json")] if demo
            else ["--catalog", str(catalog), "--public-url", "http://127.0.0.1"])
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
    srv = CatalogServer(proc, port or 0, log, db, tmp)
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
def server(tmp_path_factory):
    """The test catalog and one professional (hanna, nurse queue).

    Named `server` so conftest's `_server_alive` check covers it too."""
    with catalog_server(tmp_path_factory.mktemp("resident-page")) as srv:
        yield srv


@pytest.fixture(scope="module")
def driver():
    with chrome(1280, 900) as d:
        yield d


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
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait
    # An element the page re-rendered between finding and reading it: just look again.
    return WebDriverWait(d, timeout, poll_frequency=0.05, ignored_exceptions=[StaleElementReferenceException]) \
        .until(lambda _: condition(), message)


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


def submit_queued_skin(d, photos=()):
    """Myself → Illness and health → Skin symptoms, with the `spreading` branch, and `photos` chosen
    in the photo question; returns the conversation id."""
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
    if photos:
        by_css(d, "#q-photo").send_keys("\n".join(str(p) for p in photos))
        until(d, lambda: len(all_css(d, "#question-photo .thumb img")) == len(photos), "the chosen photos show no thumbnails")
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


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_with_location(width=96, height=64) -> bytes:
    """A real RGB PNG (a gradient) carrying a location in a tEXt chunk and in an eXIf chunk."""
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in (40 + x * 2, 90 + y, 200 - x)) for y in range(height))
    exif = b"MM\x00*\x00\x00\x00\x08\x00\x00" + b"GPSLatitude 60.1699 N GPSLongitude 24.9384 E"
    return (PNG_SIGNATURE
            + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + png_chunk(b"tEXt", b"GPSLatitude\x0060 deg 10' 11.64\" N, GPSLongitude 24 deg 56' 18.24\" E")
            + png_chunk(b"eXIf", exif)
            + png_chunk(b"IDAT", zlib.compress(rows))
            + png_chunk(b"IEND", b""))


def png_chunk_types(data: bytes) -> list[bytes]:
    assert data.startswith(PNG_SIGNATURE), data[:16]
    types, at = [], len(PNG_SIGNATURE)
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        types.append(kind)
        at += 12 + length
    return types


def write_photo(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(png_with_location())
    assert b"GPSLatitude" in path.read_bytes()
    return path


def browser_bytes(d, url: str) -> bytes:
    """The bytes the browser gets for `url` (same origin, with its cookies)."""
    b64 = d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then((r) => r.arrayBuffer()).then((b) => {
          let s = "";
          for (const x of new Uint8Array(b)) s += String.fromCharCode(x);
          done(btoa(s));
        }, (e) => done("ERROR " + e));
    """, url)
    assert not b64.startswith("ERROR"), b64
    return base64.b64decode(b64)


def timeline_photos(d) -> list[dict]:
    return d.execute_script("""
        return [...document.querySelectorAll('#messages li[data-photo-id]')].map((li) => {
          const img = li.querySelector('img'), a = li.querySelector('a');
          return { id: li.dataset.photoId, mine: li.classList.contains('mine'), src: img.src, href: a.href, alt: img.alt,
                   width: img.getAttribute('width'), height: img.getAttribute('height'),
                   complete: img.complete, naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight };
        });""")


def photo_events(srv, d, conv) -> list[dict]:
    _, events = api(srv, d, "GET", f"/api/v1/conversations/{conv}/events?after=0&wait=0")
    return [e["data"] for e in events["events"] if e["type"] == "photo"]


def screenshot(d, srv, name: str, css: str) -> Path:
    """The page at 360×800 with `css` scrolled into view; also checks that nothing scrolls sideways."""
    folder = Path(os.environ.get("NEUVO_SCREENSHOTS") or srv.tmp)
    folder.mkdir(parents=True, exist_ok=True)
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", by_css(d, css))
    time.sleep(0.2)
    width = d.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, f"{name}: the page is {width} px wide on a 360 px phone"
    path = folder / f"resident-{name}.png"
    d.save_screenshot(str(path))
    return path


def phone(d):
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 360, "height": 800, "deviceScaleFactor": 2, "mobile": True})


def unphone(d):
    d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def session_call(srv, method, path, body=None, cookie=None, *, cookie_name: str):
    """The API over plain HTTP as the session in cookie `cookie_name`; returns (status, JSON, the
    session cookie: a new one if the answer set it, else `cookie`). 4xx/5xx raise HTTPError."""
    headers = {"X-Requested-With": "neuvo", "Content-Type": "application/json"}
    if cookie:
        headers["Cookie"] = f"{cookie_name}={cookie}"
    req = urllib.request.Request(srv.url(path), method=method, headers=headers,
                                 data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(req, timeout=10) as r:
        m = re.search(re.escape(cookie_name) + r"=([^;]+)", " ".join(r.headers.get_all("Set-Cookie") or []))
        raw = r.read()
        return r.status, json.loads(raw) if raw else None, m.group(1) if m else cookie


def pro_call(srv, method, path, body=None, cookie=None):
    """The professional's API (cookie `neuvo_pro`)."""
    return session_call(srv, method, path, body, cookie, cookie_name="neuvo_pro")


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


def test_professional_picks_and_messages_arrive_live(driver, server, queued):
    """The other side is a real professional over the professional API: the pick and their messages
    reach the page without reload, the resident's reply reaches the professional once."""
    driver.execute_script("window.__sameDocument = true")
    _, _, cookie = pro_call(server, "POST", "/api/v1/pro/login", {"username": PRO_USER, "password": PRO_PASSWORD})
    assert cookie, "the professional got no session cookie"
    status, picked, _ = pro_call(server, "POST", "/api/v1/pro/pick", {"conversationId": queued}, cookie)
    assert status == 200 and picked["status"] == "active", picked
    until(driver, lambda: by_css(driver, "#h-conv").text == "Asiaasi käsitellään", "the pick did not show without reload")
    until(driver, lambda: by_css(driver, "#conv-next").text.startswith("Hanna Hoitaja, sairaanhoitaja käsittelee"),
          f"the professional's name and title are not shown: {by_css(driver, '#conv-next').text!r}")
    assert not visible(driver, "#conv-position") and not visible(driver, "#withdraw")

    outside = "Hei, olen hoitaja. Milloin ihottuma alkoi? " + uuid.uuid4().hex[:6]
    status, _, _ = pro_call(server, "POST", f"/api/v1/pro/cases/{queued}/messages",
                            {"clientId": str(uuid.uuid4()), "text": outside}, cookie)
    assert status == 201
    until(driver, lambda: outside in message_texts(driver), "the professional's message did not appear without reload")
    until(driver, lambda: outside in by_css(driver, "#announcer").get_attribute("textContent"),
          "the new message was not announced in the live region")
    assert by_css(driver, "#announcer").get_attribute("aria-live") == "polite"
    who = driver.execute_script("return [...document.querySelectorAll('#messages li.theirs .who')].map((e) => e.textContent)")
    assert who == ["Hanna Hoitaja, sairaanhoitaja"], who

    reply = "Kiitos, se alkoi eilen " + uuid.uuid4().hex[:6]
    by_css(driver, "#chat-text").send_keys(reply)
    click(driver, "#chat-form button[type=submit]")
    assert by_css(driver, "#chat-text").get_attribute("value") == ""
    until(driver, lambda: all_css(driver, "#messages li.mine:not(.pending)")
          and reply in message_texts(driver) and not all_css(driver, "#messages li.pending"),
          "the reply was not confirmed")
    # Events arrive in order: once a later message shows, the echo of the reply has been seen too.
    marker = "Selvä, katson kuvan " + uuid.uuid4().hex[:6]
    pro_call(server, "POST", f"/api/v1/pro/cases/{queued}/messages", {"clientId": str(uuid.uuid4()), "text": marker}, cookie)
    until(driver, lambda: marker in message_texts(driver), "the later message did not appear")
    texts = message_texts(driver)
    assert texts.count(reply) == 1, texts
    assert texts.count(outside) == 1, texts
    assert texts.index(outside) < texts.index(reply) < texts.index(marker), texts
    assert driver.execute_script("return window.__sameDocument === true"), "the page reloaded"
    # The professional's own view of the case holds the reply exactly once.
    _, case, _ = pro_call(server, "GET", f"/api/v1/pro/cases/{queued}", None, cookie)
    assert [m["text"] for m in case["messages"]].count(reply) == 1, case["messages"]


def test_reload_keeps_the_conversation(driver, server, queued):
    before = message_texts(driver)
    shown = {css: by_css(driver, css).text for css in ("#h-conv", "#conv-queue", "#conv-next", "#conv-position")}
    driver.refresh()
    until(driver, lambda: visible(driver, "#step-conversation"), "the conversation did not come back after reload")
    until(driver, lambda: message_texts(driver) == before, f"messages differ after reload: {message_texts(driver)} vs {before}")
    until(driver, lambda: {css: by_css(driver, css).text for css in shown} == shown,
          f"the status changed after reload: {shown}")
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


def test_photo_attached_in_chat_shows_without_location(driver, server, queued, tmp_path):
    until(driver, lambda: visible(driver, "#attach-photo"), "no 'Attach photo' button in the chat")
    assert by_css(driver, "#attach-photo").text == "Liitä kuva"
    assert by_css(driver, "#photo-privacy").text == "Sijaintitiedot poistetaan kuvasta."
    assert by_css(driver, "#chat-photo").get_attribute("accept") == "image/jpeg,image/png,image/webp"

    # Another type is refused on the page, before any upload.
    other = tmp_path / "oireet.txt"
    other.write_text("ei kuva")
    by_css(driver, "#chat-photo").send_keys(str(other))
    until(driver, lambda: visible(driver, "#err-photo"), "a text file was not refused")
    assert by_css(driver, "#err-photo").text == "oireet.txt ei ole JPEG-, PNG- tai WebP-kuva. Valitse toinen kuva."
    assert not timeline_photos(driver) and not photo_events(server, driver, queued)

    png = write_photo(tmp_path, "ihottuma.png")
    by_css(driver, "#chat-photo").send_keys(str(png))
    until(driver, lambda: len(timeline_photos(driver)) == 1, "the photo did not appear in the timeline")
    assert not visible(driver, "#err-photo"), "the earlier error stayed"
    until(driver, lambda: timeline_photos(driver)[0]["complete"], "the photo did not load")
    [photo] = timeline_photos(driver)
    url = server.url(f"/api/v1/conversations/{queued}/photos/{photo['id']}")
    assert photo["naturalWidth"] == 96 and photo["naturalHeight"] == 64, f"the photo does not decode: {photo}"
    assert photo["src"] == url and photo["href"] == url, photo
    assert (photo["width"], photo["height"]) == ("96", "64"), photo
    assert photo["mine"] and photo["alt"] == "Kuva (sinulta)", photo

    served = browser_bytes(driver, url)
    assert b"GPSLatitude" not in served and b"GPSLongitude" not in served
    kinds = png_chunk_types(served)
    assert b"tEXt" not in kinds and b"eXIf" not in kinds, kinds
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND", kinds

    # The upload's answer and the event stream are one photo: once a later message shows, it is listed once.
    marker = "Kuvan jälkeen " + uuid.uuid4().hex[:6]
    api(server, driver, "POST", f"/api/v1/conversations/{queued}/messages", {"clientId": str(uuid.uuid4()), "text": marker})
    until(driver, lambda: marker in message_texts(driver), "the later message did not appear")
    assert [p["id"] for p in timeline_photos(driver)] == [photo["id"]]
    assert [p["id"] for p in photo_events(server, driver, queued)] == [photo["id"]]
    order = driver.execute_script("return [...document.querySelectorAll('#messages li')].map((li) => li.dataset.photoId || 'msg')")
    assert order.index(photo["id"]) < len(order) - 1, f"the photo is not before the later message: {order}"

    # After a reload it comes from the event stream alone.
    driver.refresh()
    until(driver, lambda: [p["id"] for p in timeline_photos(driver)] == [photo["id"]], "the photo is not there after reload")
    phone(driver)
    try:
        until(driver, lambda: timeline_photos(driver)[0]["naturalWidth"] > 0, "the photo did not load after reload")
        driver.execute_script("const b = document.getElementById('messages-box'); b.scrollTop = b.scrollHeight")
        screenshot(driver, server, "chat-photo", "#chat-form")
    finally:
        unphone(driver)


def test_pre_question_photo_is_uploaded_after_submit(driver, server, tmp_path):
    fresh(driver, server)
    choose_self_skin(driver)
    click(driver, "label[for=q-duration-days]")
    until(driver, lambda: visible(driver, "#question-spreading"), "duration=days did not show 'spreading'")
    click(driver, "label[for=q-spreading-no]")
    click(driver, "label[for=q-breathing-no]")
    click(driver, "label[for=q-fever-no]")
    block = "#question-photo"
    assert by_css(driver, f"{block} .qtext").text == "Kuva ihottumasta (vapaaehtoinen)"
    assert "Sijaintitiedot poistetaan kuvasta." in by_css(driver, f"{block} .hint").text
    picker = by_css(driver, "#q-photo")
    assert picker.get_attribute("type") == "file" and picker.get_attribute("multiple") == "true"
    assert picker.get_attribute("accept") == "image/jpeg,image/png,image/webp"
    # Two chosen, the first removed again: its thumbnail goes and focus stays on a remove button.
    first, second = write_photo(tmp_path, "eka.png"), write_photo(tmp_path, "toka.png")
    picker.send_keys(f"{first}\n{second}")
    until(driver, lambda: len(all_css(driver, f"{block} .thumb img")) == 2, "two thumbnails did not show")
    alts = [i.get_attribute("alt") for i in all_css(driver, f"{block} .thumb img")]
    assert alts == ["Valittu kuva 1: eka.png", "Valittu kuva 2: toka.png"], alts
    assert all(i.get_attribute("src").startswith("blob:") for i in all_css(driver, f"{block} .thumb img"))
    phone(driver)
    try:
        until(driver, lambda: all(driver.execute_script("return [...document.querySelectorAll('#question-photo .thumb img')]"
                                                        ".map((i) => i.naturalWidth > 0)")), "a thumbnail did not load")
        screenshot(driver, server, "pre-question-photos", block)
    finally:
        unphone(driver)
    click(driver, f"{block} .remove")
    until(driver, lambda: len(all_css(driver, f"{block} .thumb img")) == 1, "the removed photo's thumbnail stayed")
    assert by_css(driver, f"{block} .thumb img").get_attribute("alt") == "Valittu kuva 1: toka.png"
    assert driver.execute_script("return document.activeElement.classList.contains('remove')"), "focus was lost"
    click(driver, "#submit-answers")
    until(driver, lambda: visible(driver, "#step-conversation"), "the waiting view did not appear")
    conv = driver.execute_script("return localStorage.getItem('neuvo.conversation')")
    until(driver, lambda: len(timeline_photos(driver)) == 1, "the pre-questionnaire's photo did not appear in the timeline")
    until(driver, lambda: timeline_photos(driver)[0]["naturalWidth"] == 96, "the photo did not load")
    until(driver, lambda: by_css(driver, "#photo-status").text == "", "the upload status stayed")
    events = photo_events(server, driver, conv)
    assert [e["id"] for e in events] == [timeline_photos(driver)[0]["id"]], events
    assert events[0]["author"] == "resident" and events[0]["mediaType"] == "image/png", events


def test_feedback_after_a_professional_closes(driver, server):
    fresh(driver, server)
    conv = submit_queued_skin(driver)
    _, _, cookie = pro_call(server, "POST", "/api/v1/pro/login", {"username": PRO_USER, "password": PRO_PASSWORD})
    assert cookie, "the professional got no session cookie"
    pro_call(server, "POST", "/api/v1/pro/pick", {"conversationId": conv}, cookie)
    until(driver, lambda: by_css(driver, "#h-conv").text == "Asiaasi käsitellään", "the pick did not show")
    instructions = "Rasvaa iho kahdesti päivässä."
    status, _, _ = pro_call(server, "POST", f"/api/v1/pro/cases/{conv}/close",
                            {"outcome": "adviceGiven", "instructions": instructions, "summary": "Paikallinen ihottuma."}, cookie)
    assert status == 200
    until(driver, lambda: visible(driver, "#conv-instructions"), "the instructions did not show without reload")
    assert by_css(driver, "#conv-instructions-text").text == instructions
    assert by_css(driver, "#h-conv").text == "Asiasi on käsitelty"
    until(driver, lambda: visible(driver, "#feedback-form"), "the feedback form did not appear")
    assert by_css(driver, "#score-group legend").text == "Kuinka todennäköisesti suosittelisit tätä palvelua ystävällesi?"
    assert [e.get_attribute("value") for e in all_css(driver, "#score-group input[type=radio]")] == [str(n) for n in range(11)]
    assert not visible(driver, "#chat-form"), "the chat still takes messages"
    # The form comes after the instructions.
    assert driver.execute_script("""return !!(document.getElementById('conv-instructions')
        .compareDocumentPosition(document.getElementById('feedback')) & Node.DOCUMENT_POSITION_FOLLOWING)""")

    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    active = lambda: driver.execute_script("return document.activeElement.id")  # noqa: E731
    phone(driver)
    try:
        driver.execute_script("document.getElementById('h-conv').focus()")
        for _ in range(8):
            if active() == "score-0":
                break
            ActionChains(driver).send_keys(Keys.TAB).perform()
        assert active() == "score-0", f"Tab did not reach the score group (at {active()!r})"
        ActionChains(driver).send_keys(*[Keys.ARROW_RIGHT] * 9).perform()
        assert active() == "score-9" and driver.execute_script("return document.getElementById('score-9').checked")
        comment = "Nopea ja selkeä vastaus."
        ActionChains(driver).send_keys(Keys.TAB).send_keys(comment).perform()
        assert active() == "feedback-comment"
        assert by_css(driver, "#feedback-count").text == f"{len(comment)}/1000 merkkiä"
        screenshot(driver, server, "feedback-form", "#feedback")
        ActionChains(driver).send_keys(Keys.TAB).perform()
        assert active() == "feedback-submit"
        ActionChains(driver).send_keys(Keys.ENTER).perform()
        until(driver, lambda: visible(driver, "#feedback-thanks"), "no thank-you after sending")
        assert by_css(driver, "#feedback-thanks").text == "Kiitos palautteestasi!"
        assert not visible(driver, "#feedback-form")
        assert active() == "feedback-thanks"
        screenshot(driver, server, "feedback-thanks", "#feedback")
    finally:
        unphone(driver)
    with sqlite3.connect(f"file:{server.db}?mode=ro", uri=True) as db:
        assert db.execute("SELECT score, comment FROM feedback WHERE conversation_id = ?", (conv,)).fetchall() == [(9, comment)]

    driver.refresh()
    until(driver, lambda: visible(driver, "#conv-instructions"), "the closed matter did not come back after reload")
    until(driver, lambda: visible(driver, "#feedback-thanks"), "the thank-you is not shown after reload")
    assert not visible(driver, "#feedback-form"), "the feedback form came back after reload"
    # The server agrees: a second feedback is refused.
    try:
        api(server, driver, "POST", f"/api/v1/conversations/{conv}/feedback", {"score": 3})
        raise AssertionError("a second feedback was accepted")
    except urllib.error.HTTPError as e:
        assert e.code == 409 and json.loads(e.read())["error"]["code"] == "feedback_given"


def test_no_console_errors(driver, server):
    # One more plain visit, then everything the browser logged during this module.
    fresh(driver, server)
    time.sleep(0.3)
    CONSOLE.extend(driver.get_log("browser"))
    severe = [e for e in CONSOLE if e.get("level") == "SEVERE"]
    assert not severe, f"browser console errors: {severe}"
