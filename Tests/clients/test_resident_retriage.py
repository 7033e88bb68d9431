""""My condition has changed" on the resident's page (Public/resident/conversation/retriage.js) in headless Chromium.

A real Neuvo binary with the test catalog. An English resident on a 360×740 phone, queued for a skin matter,
answers the questions again (the questions step, prefilled with the earlier answers): a breathing difficulty ends
the wait with the 112 guidance and takes the matter out of the queue; and, behind two others, a high fever raises
the urgency and brings the matter to the front, which the waiting view shows and announces. axe-core (WCAG 2.1 A
and AA) at 360 px and desktop width, and the Nu HTML checker, in each new state; screenshots to /tmp/resident-shots/.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_resident_retriage.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

from conftest import running_server
from pages import Page, plain
from resident_fixtures import page, queued_over_api, server_fixture, shot  # noqa: F401 (page: the fixture)
from test_resident_call_back import PHONE, States, queue_on_page, tap
from test_resident_page import api

server = server_fixture(running_server, "retriage")


def answer_again(p: Page) -> None:
    p.wait(lambda: p.visible("#rg-open"), "the 'my condition has changed' button")
    assert p.text("#rg-open") == "My condition has changed"
    tap(p, "#rg-open")
    p.wait(lambda: p.visible("#step-questions") and p.text("#h-questions") == "Your condition has changed: Skin symptoms",
           "the questions again")
    assert p.js("return document.activeElement.id") == "h-questions"
    assert p.text("#rg-note").startswith("Answer the questions again. Your earlier answers are filled in.")
    checked = p.js("return [...document.querySelectorAll('#questions input:checked')].map((i) => i.id)")
    assert checked == ["q-duration-weeks", "q-spreading-no", "q-breathing-no", "q-fever-no"], checked
    assert not p.finds("#questions .photo-q"), "a photo question while answering again"


def queue_over_api(server) -> str:
    _, conv, queued = queued_over_api(server)
    assert queued["urgency"] == "normal", queued
    return conv


def test_answering_again_with_a_breathing_difficulty_ends_the_wait_with_112(server, page, tmp_path):
    p = page
    states = States(p, tmp_path)
    conv = queue_on_page(p, server, "en")
    p.wait(lambda: p.visible("#rg-open"), "the 'my condition has changed' button")
    states.check("waiting with the retriage button", PHONE)
    answer_again(p)
    states.check("answering again", PHONE)
    shot(p, "retriage-questions")

    # Back returns to the matter, not to the service list; it is still waiting.
    tap(p, "#questions-back")
    p.wait(lambda: p.visible("#step-conversation"), "the matter again")
    assert p.text("#h-conv") == "Your matter is in the queue"
    answer_again(p)

    tap(p, "label[for=q-breathing-yes]")
    tap(p, "#submit-answers")
    p.wait(lambda: p.visible("#step-redflag"), "the red-flag guidance")
    assert p.text("#h-redflag") == "Call 112 now" and p.text("#redflag-message") == "Call 112 now."
    assert p.find("#redflag-call").get_attribute("href") == "tel:112"
    assert "Your matter was taken out of the queue." in p.text("#step-redflag")
    assert p.js("return document.activeElement.id") == "h-redflag"
    _, body = api(server, p.driver, "GET", f"/api/v1/conversations/{conv}")
    assert body["status"] == "closed" and body["outcome"] == "redFlag", body
    states.check("red flag while waiting", PHONE)
    shot(p, "retriage-112")
    states.validate()


def test_a_high_fever_raises_the_urgency_and_the_place_in_the_queue(server, page, tmp_path):
    p = page
    states = States(p, tmp_path)
    others = [queue_over_api(server) for _ in range(2)]
    conv = queue_on_page(p, server, "en")
    p.wait(lambda: p.text("#conv-position") == "You are number 3 in the queue.", "third in the queue")
    answer_again(p)
    tap(p, "label[for=q-fever-yes]")
    p.wait(lambda: p.visible("#q-temperature"), "the temperature question")
    p.find("#q-temperature").send_keys("39,5")
    tap(p, "#submit-answers")
    p.wait(lambda: p.visible("#step-conversation"), "the waiting view again")
    p.wait(lambda: p.text("#conv-position") == "You are number 1 in the queue.", "first in the queue")
    assert p.text("#rg-done") == "Thank you, your answers have been updated. Urgency now: soon."
    assert p.text("#h-conv") == "Your matter is in the queue" and p.visible("#rg-open")
    # The live region is emptied and filled 80 ms later (so a repeated text is read again): wait for it.
    def said() -> str:
        return plain(p.find("#announcer").get_attribute("textContent"))
    p.wait(lambda: "Urgency now: soon." in said() and "You are number 1 in the queue." in said(),
           "the new urgency and place announced")
    assert p.find("#announcer").get_attribute("aria-live") == "polite"
    _, body = api(server, p.driver, "GET", f"/api/v1/conversations/{conv}")
    assert body["urgency"] == "soon" and body["position"] == 1, body
    states.check("answered again: more urgent", PHONE)
    shot(p, "retriage-more-urgent")

    # In Finnish too, and the line stays over a reload (from the stream's retriaged event).
    tap(p, ".lang[data-lang=fi]")
    p.wait(lambda: p.text("#rg-done") == "Kiitos, vastauksesi on päivitetty. Kiireellisyys nyt: puolikiireellinen.", "Finnish")
    p.driver.refresh()
    p.wait(lambda: p.text("#rg-done").startswith("Kiitos, vastauksesi on päivitetty."), "the line after a reload")
    assert p.text("#conv-position") == "Olet jonossa sijalla 1."
    assert others
    states.validate()


def test_after_a_reload_the_questions_start_from_the_answers_given_and_the_language_was_sent(server, page):
    p = page
    conv = queue_on_page(p, server, "en")
    _, body = api(server, p.driver, "GET", f"/api/v1/conversations/{conv}")
    assert body.get("language") == "en", body
    assert body["answers"] == {"duration": "weeks", "spreading": False, "breathing": False, "fever": False}, body
    p.driver.refresh()
    p.wait(lambda: p.visible("#step-conversation"), "the waiting view after a reload")
    answer_again(p)  # prefilled from the conversation's answers, not from the page's memory
    tap(p, "#questions-back")
    p.wait(lambda: p.visible("#step-conversation"), "the matter again")
