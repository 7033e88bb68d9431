""""Text me when a professional answers" on the resident's page (Public/resident/conversation/reply-text*.js)
in headless Chromium.

A real Neuvo binary with the test catalog, a nurse, and an SMS gateway's key (`neuvo apikey create …
--scope notifications`, made before the server starts). A Swedish resident on a 360×740 phone is queued
after the pre-questions; the part loads only then (not on the first view). They open it, give a landline
(the server's refusal beside the field, focus there, said in the live region), then a mobile number: the
confirmed state with the number as a Finnish phone writes it, kept over a reload. A nurse picks the matter
and writes twice over the professional API: the gateway's outbox holds one `professionalReplied` text to
that number, in Swedish, naming only the service. "Stop texts" deletes the number: after the resident's
next message and the nurse's answer no text is added; when the nurse closes the matter the part is gone.
axe-core (WCAG 2.1 A and AA) at 360 px and at desktop width, and the Nu HTML checker, in each state.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_resident_reply_text.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo); NEUVO_SCREENSHOTS (a folder for the screenshots
at 360 px, default the server's temporary one).
"""

from __future__ import annotations

import json
import os
import urllib.request
import uuid
from pathlib import Path

import pytest

from conftest import REPO, catalog_file, chrome, require_binary, running_server
from pages import Page
from test_openapi import _neuvo
from test_resident_call_back import DESKTOP, PHONE, States, active, announced, queue_on_page, size, tap
from test_resident_page import api, pro_call

NURSE, PASSWORD = "hanna", "Hoitaja-salasana-2024"
MOBILE, LANDLINE = "040 123 4567", "09 123 4567"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Named `server` so conftest's `_server_alive` check covers it; `sms_key` is the gateway's key."""
    require_binary()
    tmp = tmp_path_factory.mktemp("reply-text")
    db = tmp / "neuvo.sqlite"
    where = ["--db", str(db), "--migrations", str(REPO / "Migrations")]
    _neuvo("catalog", "import", str(catalog_file(tmp)), *where)
    _neuvo("user", "add", NURSE, "--name", "Hanna Hoitaja", "--title", "sairaanhoitaja", "--queues", "nurse,child-health",
           *where, env={"NEUVO_PASSWORD": PASSWORD})
    sms = _neuvo("apikey", "create", "sms-gateway", "--scope", "notifications", *where).split()[-1]
    with running_server(tmp, db=db, catalog=False) as srv:
        srv.sms_key = sms
        yield srv


@pytest.fixture(scope="module")
def driver():
    with chrome(*DESKTOP) as d:
        yield d


def outbox(server) -> list[dict]:
    """Every text message in the outbox, as the SMS gateway pulls them."""
    req = urllib.request.Request(server.url("/api/v1/notifications?after=0&limit=100"),
                                 headers={"Authorization": f"Bearer {server.sms_key}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["notifications"]


def replies(server) -> list[dict]:
    """The outbox's "a professional answered" texts (this server's only resident is the test's)."""
    return [n for n in outbox(server) if n["kind"] == "professionalReplied"]


def loaded_modules(p: Page) -> list[str]:
    return p.js("return performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)"
                ".filter((path) => path.startsWith('/resident/conversation/reply-text'))")


def touch_size(p: Page, css: str) -> tuple[float, float]:
    return tuple(p.js("const r = document.querySelector(arguments[0]).getBoundingClientRect(); return [r.width, r.height]", css))


def shot(p: Page, name: str) -> None:
    """The part on the phone's screen, into $NEUVO_SCREENSHOTS (default: the server's temporary folder)."""
    folder = Path(os.environ.get("NEUVO_SCREENSHOTS") or p.server.stderr_path.parent)
    folder.mkdir(parents=True, exist_ok=True)
    p.js("document.getElementById('reply-text').scrollIntoView({ block: 'center' })")
    p.driver.save_screenshot(str(folder / f"reply-text-{name}.png"))


def test_a_swedish_resident_asks_for_a_text_keeps_it_over_a_reload_and_stops_it(driver, server, tmp_path):
    p = Page(driver, server, "resident")
    states = States(p, tmp_path)
    size(driver, *PHONE)

    # Not part of the first view.
    driver.get(server.url("/"))
    p.wait(lambda: p.visible("#step-subject"), "the first step")
    assert loaded_modules(p) == [] and not p.finds("#reply-text")
    conv = queue_on_page(p, server, "sv")

    # In the waiting view, below the notification offer: closed, with why it is safe.
    p.wait(lambda: p.visible("#rt-open"), "the offer to text")
    assert sorted(loaded_modules(p)) == ["/resident/conversation/reply-text-strings.js", "/resident/conversation/reply-text.js"]
    assert p.js("return document.getElementById('notify-offer').nextElementSibling.id") == "reply-text"
    assert p.text("#rt-open") == "Skicka mig ett sms när en yrkesperson svarar"
    assert p.text("#rt-why").startswith("Frivilligt.") and "inga hälsouppgifter" in p.text("#rt-why")
    assert p.find("#rt-open").get_attribute("aria-expanded") == "false" and not p.visible("#rt-form")
    assert p.js("return window.__neuvo.state.conv.replyText") is None
    states.check("offer", PHONE)
    shot(p, "offer")

    tap(p, "#rt-open")
    p.wait(lambda: p.visible("#rt-form"), "the number's form")
    assert active(p) == "rt-phone" and p.find("#rt-open").get_attribute("aria-expanded") == "true"
    field = p.find("#rt-phone")
    assert [field.get_attribute(a) for a in ("type", "autocomplete", "inputmode")] == ["tel", "tel", "tel"]
    assert p.text("label[for=rt-phone]") == "Ditt mobilnummer"
    assert p.text("#rt-phone-hint") == "Ett finländskt mobilnummer, till exempel 040 123 4567"
    for css in ("#rt-open", "#rt-phone", "#rt-save"):
        width, height = touch_size(p, css)
        assert width >= 44 and height >= 44, f"{css} is {width}×{height} px"
    states.check("form", PHONE)
    shot(p, "form")

    # A landline: refused beside the field, focus there, and said.
    field.send_keys(LANDLINE)
    tap(p, "#rt-save")
    p.wait(lambda: p.visible("#err-rt-phone"), "the number's error")
    error = "Sms kan bara skickas till ett mobilnummer (04x eller 050). Ange ett mobilnummer."
    assert p.text("#err-rt-phone") == error
    assert field.get_attribute("aria-invalid") == "true"
    assert field.get_attribute("aria-describedby").split() == ["err-rt-phone", "rt-phone-hint"]
    assert active(p) == "rt-phone"
    p.wait(lambda: error in announced(p), "the error announced")
    assert api(server, driver, "GET", f"/api/v1/conversations/{conv}/reply-text")[1] == {"replyText": None}
    states.check("form with an error", PHONE)
    shot(p, "form-with-an-error")
    # Another language words the error again.
    tap(p, ".lang[data-lang=en]")
    p.wait(lambda: p.text("#err-rt-phone") == "Texts go to mobile numbers only (04x or 050). Enter a mobile number.", "the error in English")
    tap(p, ".lang[data-lang=sv]")

    # A mobile number: the texts are on.
    field.clear()
    field.send_keys(MOBILE)
    tap(p, "#rt-save")
    on = "Vi skickar ett sms till 040 123 4567 när en yrkesperson svarar."
    p.wait(lambda: p.visible("#rt-on") and p.text("#rt-on-text") == on, "the texts on")
    assert not p.visible("#rt-offer") and not p.visible("#err-rt-phone")
    assert active(p) == "rt-on-text"
    p.wait(lambda: "Sms beställt." in announced(p), "the texts announced")
    assert p.text("#rt-stop") == "Sluta skicka sms" and "inga hälsouppgifter" in p.text("#rt-on-hint")
    width, height = touch_size(p, "#rt-stop")
    assert width >= 44 and height >= 44, f"#rt-stop is {width}×{height} px"
    assert api(server, driver, "GET", f"/api/v1/conversations/{conv}/reply-text")[1] == \
        {"replyText": {"phone": "+358401234567", "language": "sv"}}
    states.check("texts on", PHONE)
    shot(p, "texts-on")
    tap(p, ".lang[data-lang=en]")
    p.wait(lambda: p.text("#rt-on-text") == "We will text 040 123 4567 when a professional answers.", "the texts on in English")
    assert p.text("#rt-stop") == "Stop texts"
    tap(p, ".lang[data-lang=sv]")

    # A reload asks the server.
    driver.refresh()
    p.wait(lambda: p.visible("#rt-on") and p.text("#rt-on-text") == on, "the texts on after a reload")
    assert not p.visible("#rt-offer")

    # A nurse picks the matter and writes twice: one text, to that number, naming only the service.
    assert replies(server) == []
    _, _, nurse = pro_call(server, "POST", "/api/v1/pro/login", {"username": NURSE, "password": PASSWORD})
    status, picked, _ = pro_call(server, "POST", "/api/v1/pro/pick", {"conversationId": conv}, nurse)
    assert status == 200 and picked["status"] == "active", picked
    secret = "Hur länge har utslagen funnits? " + uuid.uuid4().hex[:6]
    for text in (secret, "Skicka gärna en bild."):
        status, _, _ = pro_call(server, "POST", f"/api/v1/pro/cases/{conv}/messages", {"clientId": str(uuid.uuid4()), "text": text}, nurse)
        assert status == 201
    p.wait(lambda: p.text("#h-conv") == "Ditt ärende behandlas" and secret in p.text("#messages"), "the nurse's messages")
    assert p.visible("#rt-on") and p.text("#rt-on-text") == on, "the texts' part left while chatting"
    sent = replies(server)
    assert len(sent) == 1, outbox(server)
    assert (sent[0]["phone"], sent[0]["language"]) == ("+358401234567", "sv"), sent[0]
    assert "Hudsymtom" in sent[0]["text"] and secret not in sent[0]["text"] and "utslag" not in sent[0]["text"], sent[0]
    states.check("texts on while chatting", PHONE)
    shot(p, "texts-on-while-chatting")

    # Stop: the number is deleted, and the offer is back.
    tap(p, "#rt-stop")
    p.wait(lambda: p.visible("#rt-offer") and not p.visible("#rt-on"), "the texts stopped")
    assert active(p) == "rt-open" and p.find("#rt-open").get_attribute("aria-expanded") == "false"
    p.wait(lambda: "Inga fler sms. Ditt nummer har raderats." in announced(p), "the stop announced")
    assert api(server, driver, "GET", f"/api/v1/conversations/{conv}/reply-text")[1] == {"replyText": None}
    states.check("texts stopped", PHONE)
    shot(p, "texts-stopped")
    # The resident writes, the nurse answers: no text any more.
    p.find("#chat-text").send_keys("Sedan i måndags.")
    tap(p, "#chat-form button[type=submit]")
    p.wait(lambda: not p.finds("#messages li.pending") and "Sedan i måndags." in p.text("#messages"), "the resident's message sent")
    status, _, _ = pro_call(server, "POST", f"/api/v1/pro/cases/{conv}/messages", {"clientId": str(uuid.uuid4()), "text": "Tack."}, nurse)
    assert status == 201
    p.wait(lambda: "Tack." in p.text("#messages"), "the nurse's answer")
    assert len(replies(server)) == 1, outbox(server)

    # After the matter ended: no offer.
    status, _, _ = pro_call(server, "POST", f"/api/v1/pro/cases/{conv}/close",
                            {"outcome": "adviceGiven", "instructions": "Smörj huden två gånger om dagen.", "summary": "Utslag."}, nurse)
    assert status == 200
    p.wait(lambda: p.text("#h-conv") == "Ditt ärende är behandlat", "the closed matter")
    assert not p.visible("#reply-text")
    states.validate()
    # Nothing in the console but the network line of the one refusal; (Chromium's own note that the page may
    # not vibrate before a tap after the reload, from attention.js, is the browser's rule, not an error).
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and e["source"] != "intervention"]
    assert len(severe) == 1 and "/reply-text - Failed to load resource: the server responded with a status of 422" in severe[0]["message"], severe
