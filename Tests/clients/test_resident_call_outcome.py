"""What the tries to call came to, on the resident's page (Public/resident/conversation/call-back.js): a missed
call while tries remain ("We tried to call you at 10.12 but did not reach you; we will try again"), and the
matter closed as not reached (what to do next: start a new matter or call the number), in headless Chromium.

The server of test_pro_call_backs (the `nurse` queue takes call-backs around the clock, two tries; a nurse added
with the CLI). An English resident on a 360×740 phone asks to be called; the nurse, over the API, picks the call
and records an unanswered try, then a wrong number. axe-core (WCAG 2.1 A and AA) and the Nu HTML checker in both
states; screenshots to /tmp/resident-shots/.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_resident_call_outcome.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

from pages import ApiClient, plain
from resident_fixtures import page, shot  # noqa: F401 (page: the fixture)
from test_pro_call_backs import NURSE, PASSWORD, server  # noqa: F401 (the fixture)
from test_resident_call_back import PHONE, States, choose, finnish, queue_on_page, tap


def test_a_missed_call_and_then_the_not_reached_ending(server, page, tmp_path):  # noqa: F811
    r = page
    states = States(r, tmp_path)
    conv = queue_on_page(r, server, "en")
    r.wait(lambda: r.visible("#cb-open"), "the call-back offer")
    tap(r, "#cb-open")
    r.wait(lambda: r.visible("#cb-form"), "the call-back form")
    start = r.js("return document.querySelector('#cb-days input:enabled').value")
    r.find("#cb-phone").send_keys("040 123 4567")
    choose(r, start)
    tap(r, "#cb-confirm")
    r.wait(lambda: r.text("#h-conv") == "We will call you", "the request view")

    nurse = ApiClient(server.base)
    assert nurse.call("POST", "/api/v1/pro/login", {"username": NURSE, "password": PASSWORD})[0] == 200
    status, listed = nurse.call("GET", "/api/v1/pro/call-backs")
    assert status == 200, listed
    [cb] = [x for x in listed["callBacks"] if x["conversationId"] == conv]
    assert nurse.call("POST", f"/api/v1/pro/call-backs/{cb['id']}/pick", {})[0] == 200
    r.wait(lambda: r.text("#h-conv") == "Your matter is being handled", "the pick on the resident's page")

    # One try without an answer: a polite line with the time of the try, and the matter goes on.
    status, tried = nurse.call("POST", f"/api/v1/pro/call-backs/{cb['id']}/attempts", {"result": "noAnswer"})
    assert status == 200, tried
    r.wait(lambda: r.visible("#cb-missed"), "the missed call")
    events = r.js("return window.__neuvo.state.conv.cbTry")
    at = finnish(events["at"])
    assert plain(r.text("#cb-missed")) == f"We tried to call you at {at.hour:02d}:{at.minute:02d} but did not reach you; we will try again."
    assert r.text("#h-conv") == "Your matter is being handled" and not r.visible("#cb-ended")
    r.wait(lambda: "did not reach you" in r.find("#announcer").get_attribute("textContent"), "the missed call announced")
    states.check("missed call", PHONE)
    shot(r, "call-back-missed")

    # A reload keeps the line (from the stream's history).
    r.driver.refresh()
    r.wait(lambda: r.visible("#cb-missed"), "the missed call after a reload")

    # A wrong number ends it: closed as not reached, what to do next, and the number to call.
    status, tried = nurse.call("POST", f"/api/v1/pro/call-backs/{cb['id']}/attempts", {"result": "wrongNumber"})
    assert status == 200, tried
    r.wait(lambda: r.text("#h-conv") == "We could not reach you", "the not-reached ending")
    assert r.text("#conv-next").startswith("Your matter has been closed because we could not reach you by phone.")
    assert r.text("#cb-ended-text") == "We called the number you gave, but it was the wrong number."
    assert r.find("#cb-call-us-tel").get_attribute("href") == "tel:+358931010000"
    assert r.visible("#step-conversation .new-matter") and not r.visible("#cb-missed") and not r.visible("#chat-form")
    assert not r.visible("#feedback") and not r.visible("#withdraw")
    states.check("not reached", PHONE)
    shot(r, "call-back-not-reached")
    r.driver.refresh()
    r.wait(lambda: r.text("#h-conv") == "We could not reach you", "the not-reached ending after a reload")
    tap(r, "#step-conversation .new-matter")
    r.wait(lambda: r.visible("#step-subject"), "a new matter")
    states.validate()
