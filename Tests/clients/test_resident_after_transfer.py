"""After a transfer on the resident's page (Public/resident/conversation/status.js, attention.js, call-back.js and
Public/resident/titles.js) in headless Chromium.

A real Neuvo binary with a catalog written here: the nurse and dental queues open only on the day after tomorrow
(Finnish time), so both are closed now, and both take call-backs around the clock (offered always). A Swedish
resident on a 360×740 phone queues a skin matter (nurse) and is offered a call-back while waiting; a nurse whose
title is "sairaanhoitaja" picks it (shown as "sjukskötare", in English as "nurse"), writes, and transfers it to the
dental queue. Once picked, the matter is never "in the queue" for the resident again, also after a reload: the
heading and the tab title say it went on to a colleague, and no place in the queue, wait, closed notice, call-back
offer or "my condition has changed" comes back. A professional with a title the page does not know ("osastonhoitaja
X") is shown as written; passed on to the nurse by title and closed, the earlier matters list names the nurse in
the page's language. The withdraw confirmation speaks of the queue while the matter waits there, and of no queue
once it was passed on after a pick (in Finnish, Swedish and English, also after a reload). axe-core (WCAG 2.1 A and AA) at 360 px and desktop width, the Nu HTML checker in each new
state, and screenshots of the new states in the test's temporary folder (or NEUVO_SCREENSHOTS).

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_resident_after_transfer.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from pages import ApiClient, Page, plain
from resident_fixtures import (HALF_DAYS, edited_catalog, opening_later, page,  # noqa: F401 (page: the fixture)
                               prepared_server, server_fixture, shot_into, start_new_matter)
from test_resident_call_back import PHONE, States, active, queue_on_page, tap

PASSWORD = "Tuula-salasana-2024"
NURSE, OTHER = "tuula", "osku"
USERS = ((NURSE, "Tuula Hoitaja", "sairaanhoitaja", "nurse,dental"),
         (OTHER, "Osku Osasto", "  osastonhoitaja X ", "nurse,dental"))
PASSED = {"sv": ("Ditt ärende gick vidare till en kollega", "Ditt ärende gick vidare till en kollega, som svarar dig här.",
                 "Hos en kollega"),
          "en": ("Your matter was passed on to a colleague", "Your matter was passed to a colleague; they will answer here.",
                 "With a colleague")}
QUEUE_WORDS = ("i kön", "i kö", "nummer", "in the queue", "number")
# The withdraw confirmation (question, "no" button): while queued, and once passed on after a pick.
WITHDRAW_QUEUED = {"fi": ("Haluatko perua asiasi? Se poistetaan jonosta.", "Ei, pidä asia jonossa"),
                   "sv": ("Vill du återkalla ditt ärende? Det tas bort från kön.", "Nej, behåll det i kön")}
WITHDRAW_PASSED = {"fi": ("Haluatko perua asiasi? Sitä ei silloin käsitellä loppuun.", "Ei, älä peru asiaa"),
                   "sv": ("Vill du återkalla ditt ärende? Det behandlas då inte färdigt.", "Nej, behåll ärendet"),
                   "en": ("Do you want to withdraw your matter? It will then not be dealt with any further.",
                          "No, keep my matter")}
FI_QUEUE_WORDS = ("jono", "jonossa", "jonosta")


def after_transfer_server(tmp: Path):
    """The nurse and dental queues closed until the day after tomorrow, with call-backs around the clock; USERS."""
    def edit(q: dict) -> None:
        if q["id"] in ("nurse", "dental"):
            q["openingHours"] = opening_later()
            q["callBack"] = {"windows": HALF_DAYS, "capacityPerWindow": 5, "callerNumber": "09 310 10000", "offer": "always"}
    return prepared_server(tmp, edited_catalog(tmp, "after-transfer-catalog.json", edit), USERS, PASSWORD)


server = server_fixture(after_transfer_server, "after-transfer")


def professional(server, user: str) -> ApiClient:
    pro = ApiClient(server.base)
    status, body = pro.call("POST", "/api/v1/pro/login", {"username": user, "password": PASSWORD})
    assert status == 200, body
    return pro


def ok(pro: ApiClient, method: str, path: str, body=None) -> dict:
    status, answer = pro.call(method, path, body)
    assert status in (200, 201), (path, status, answer)
    return answer


def say(pro: ApiClient, conv: str, text: str) -> None:
    ok(pro, "POST", f"/api/v1/pro/cases/{conv}/messages", {"clientId": str(uuid.uuid4()), "text": text})


def theirs(p: Page) -> list[str]:
    """Who wrote the professional's messages, as the timeline names them."""
    return p.js("return [...document.querySelectorAll('#messages li.theirs .who')].map((e) => e.textContent)")


def waiting_bits(p: Page) -> dict:
    """What of the waiting view shows: closed notice, place, estimate, target, call-back offer, re-triage."""
    return {css: p.visible(css) for css in ("#conv-wait-info", "#conv-position", "#conv-estimate", "#conv-target",
                                            "#call-back", "#cb-offer", "#retriage", "#rg-open")}


def assert_passed_on(p: Page, lang: str, when: str) -> None:
    heading, next_line, title = PASSED[lang]
    p.wait(lambda: plain(p.text("#h-conv")) == heading, f"the passed-on heading {when}")
    assert plain(p.text("#conv-next")) == next_line, (when, p.text("#conv-next"))
    assert p.driver.title.startswith(title + " – "), (when, p.driver.title)
    assert waiting_bits(p) == dict.fromkeys(waiting_bits(p), False), f"the waiting view {when}: {waiting_bits(p)}"
    said = (plain(p.text("#h-conv")) + " " + p.driver.title).lower()
    assert not any(w in said for w in QUEUE_WORDS), (when, said)
    assert p.visible("#chat-form"), f"no chat {when}"


def test_a_swedish_resident_passed_on_after_the_pick_is_not_back_in_the_queue(server, page, tmp_path):
    p = page
    states = States(p, tmp_path)
    conv = queue_on_page(p, server, "sv")
    p.wait(lambda: plain(p.text("#h-conv")) == "Ditt ärende är i kö", "the queue heading while waiting")
    p.wait(lambda: p.visible("#conv-position") and p.visible("#conv-wait-info"), "the place and the closed notice")
    p.wait(lambda: p.visible("#cb-offer"), "the call-back offer while nobody has picked the matter")

    nurse = professional(server, NURSE)
    ok(nurse, "POST", "/api/v1/pro/pick", {"conversationId": conv})
    p.wait(lambda: plain(p.text("#h-conv")) == "Ditt ärende behandlas", "the matter picked")
    p.wait(lambda: plain(p.text("#conv-next")).startswith("Tuula Hoitaja, sjukskötare behandlar"), "the nurse in Swedish")
    say(nurse, conv, "Hej, jag skickar ditt ärende vidare till munhälsovården.")
    p.wait(lambda: theirs(p) == ["Tuula Hoitaja, sjukskötare"], "the nurse's message signed in Swedish")

    ok(nurse, "POST", f"/api/v1/pro/cases/{conv}/transfer", {"queueId": "dental"})
    p.wait(lambda: plain(p.text("#conv-transfer")).startswith("Ditt ärende flyttades till kön: "), "the transfer line")
    assert_passed_on(p, "sv", "after the transfer")
    assert theirs(p) == ["Tuula Hoitaja, sjukskötare"], theirs(p)
    states.check("passed on after the pick (sv)", PHONE)
    shot_into(p, tmp_path, "after-transfer-sv")

    p.driver.refresh()
    p.wait(lambda: p.visible("#step-conversation"), "the conversation after a reload")
    assert_passed_on(p, "sv", "after a reload")
    p.wait(lambda: theirs(p) == ["Tuula Hoitaja, sjukskötare"], "the nurse's title in Swedish after a reload")
    assert p.text("#conv-queue"), "the card still names the queue that holds it"
    states.check("passed on after a reload (sv)", PHONE)

    tap(p, ".lang[data-lang=en]")
    assert_passed_on(p, "en", "in English")
    p.wait(lambda: theirs(p) == ["Tuula Hoitaja, nurse"], "the nurse's title in English")
    states.check("passed on, in English", PHONE)
    shot_into(p, tmp_path, "after-transfer-en")
    tap(p, ".lang[data-lang=sv]")
    assert_passed_on(p, "sv", "in Swedish again")
    states.validate()


def test_an_unknown_title_as_written_and_the_colleague_by_title_in_the_earlier_matters(server, page, tmp_path):
    p = page
    states = States(p, tmp_path)
    conv = queue_on_page(p, server, "en")
    other, nurse = professional(server, OTHER), professional(server, NURSE)
    ok(other, "POST", "/api/v1/pro/pick", {"conversationId": conv})
    p.wait(lambda: plain(p.text("#conv-next")).startswith("Osku Osasto, osastonhoitaja X is handling"), "an unknown title")
    say(other, conv, "Hello, I will ask the nurse to look at this.")
    p.wait(lambda: [plain(w) for w in theirs(p)] == ["Osku Osasto, osastonhoitaja X"], "the unknown title as written")
    tap(p, ".lang[data-lang=sv]")
    p.wait(lambda: [plain(w) for w in theirs(p)] == ["Osku Osasto, osastonhoitaja X"], "as written in Swedish too")
    tap(p, ".lang[data-lang=en]")

    colleagues = ok(other, "GET", "/api/v1/pro/colleagues")["professionals"]
    [nurse_id] = [c["id"] for c in colleagues if c["displayName"] == "Tuula Hoitaja"]
    ok(other, "POST", f"/api/v1/pro/cases/{conv}/transfer", {"professionalId": nurse_id})
    p.wait(lambda: plain(p.text("#conv-transfer")) == "Your matter was passed on to another professional: nurse.",
           "the colleague by title in English")
    assert plain(p.text("#conv-next")).startswith("Nurse is handling your matter."), p.text("#conv-next")
    assert p.js("return document.body.innerText").count("sairaanhoitaja") == 0
    states.check("passed on to a colleague by title (en)", PHONE)
    shot_into(p, tmp_path, "colleague-by-title-en")

    ok(nurse, "GET", f"/api/v1/pro/cases/{conv}")
    ok(nurse, "POST", f"/api/v1/pro/cases/{conv}/close",
       {"outcome": "adviceGiven", "instructions": "Book a dental appointment.", "summary": "Tooth."})
    start_new_matter(p)
    p.wait(lambda: p.visible("#earlier .earlier-item"), "the earlier matters")
    p.wait(lambda: "Handled by: Tuula Hoitaja, nurse" in p.text("#earlier"), "the handler's title in English")
    tap(p, ".lang[data-lang=sv]")
    p.wait(lambda: "Behandlat av: Tuula Hoitaja, sjukskötare" in p.text("#earlier"), "the handler's title in Swedish")
    states.check("earlier matters with the title in Swedish", PHONE)
    shot_into(p, tmp_path, "earlier-title-sv")
    states.validate()


def withdraw_question(p: Page) -> tuple[str, str]:
    """Opens the withdraw confirmation; its question (focused) and its "no" button."""
    tap(p, "#withdraw")
    p.wait(lambda: p.visible("#withdraw-confirm") and active(p) == "withdraw-q", "the withdraw confirmation")
    return plain(p.text("#withdraw-q")), plain(p.text("#withdraw-no"))


def keep(p: Page) -> None:
    tap(p, "#withdraw-no")
    p.wait(lambda: not p.visible("#withdraw-confirm"), "the confirmation closed")


def test_the_withdraw_confirmation_speaks_of_no_queue_once_passed_on(server, page, tmp_path):
    p = page
    states = States(p, tmp_path)
    conv = queue_on_page(p, server, "fi")
    p.wait(lambda: plain(p.text("#h-conv")) == "Asiasi on jonossa", "the queue heading while waiting")
    assert withdraw_question(p) == WITHDRAW_QUEUED["fi"]
    tap(p, ".lang[data-lang=sv]")
    p.wait(lambda: (plain(p.text("#withdraw-q")), plain(p.text("#withdraw-no"))) == WITHDRAW_QUEUED["sv"],
           "the queue wording in Swedish")
    tap(p, ".lang[data-lang=fi]")
    keep(p)

    nurse = professional(server, NURSE)
    ok(nurse, "POST", "/api/v1/pro/pick", {"conversationId": conv})
    p.wait(lambda: plain(p.text("#h-conv")) == "Asiaasi käsitellään", "the matter picked")
    assert not p.visible("#withdraw"), "no withdrawing while a professional handles the matter"
    ok(nurse, "POST", f"/api/v1/pro/cases/{conv}/transfer", {"queueId": "dental"})
    p.wait(lambda: plain(p.text("#h-conv")) == "Asiasi siirrettiin kollegalle", "the passed-on heading")
    p.wait(lambda: p.visible("#withdraw"), "withdrawing once passed on")

    said = withdraw_question(p)
    assert said == WITHDRAW_PASSED["fi"], said
    assert not any(w in " ".join(said).lower() for w in FI_QUEUE_WORDS), said
    states.check("the withdraw confirmation, passed on (fi)", PHONE)
    shot_into(p, tmp_path, "withdraw-passed-fi")
    for lang in ("sv", "en"):
        tap(p, f".lang[data-lang={lang}]")
        p.wait(lambda: (plain(p.text("#withdraw-q")), plain(p.text("#withdraw-no"))) == WITHDRAW_PASSED[lang],
               f"the passed-on wording in {lang}")
        said = " ".join(WITHDRAW_PASSED[lang]).lower()
        assert not any(w in said for w in QUEUE_WORDS + ("kö",)), said
    states.check("the withdraw confirmation, passed on (en)", PHONE)
    keep(p)

    p.driver.refresh()
    p.wait(lambda: p.visible("#step-conversation") and p.visible("#withdraw"), "the passed-on matter after a reload")
    assert withdraw_question(p) == WITHDRAW_PASSED["en"]
    tap(p, ".lang[data-lang=fi]")
    p.wait(lambda: (plain(p.text("#withdraw-q")), plain(p.text("#withdraw-no"))) == WITHDRAW_PASSED["fi"],
           "the passed-on wording in Finnish after a reload")
    tap(p, "#withdraw-yes")
    p.wait(lambda: plain(p.text("#h-conv")) == "Peruit asiasi", "the matter withdrawn")

    # A new matter on the same page (the passed-on texts loaded) waits in the queue again: the queue wording.
    start_new_matter(p)
    p.wait(lambda: p.visible("#step-subject"), "a new matter")
    p.find("label[for=subject-self]").click()
    p.find("#subject-form button[type=submit]").click()
    for css in ("[data-service=illness]", "[data-service=skin]"):
        p.wait(lambda: p.visible(css), css)
        p.find(css).click()
    for label in ("q-duration-weeks", "q-spreading-no", "q-breathing-no", "q-fever-no"):
        p.wait(lambda: p.visible(f"label[for={label}]"), label)
        p.find(f"label[for={label}]").click()
    p.find("#submit-answers").click()
    p.wait(lambda: plain(p.text("#h-conv")) == "Asiasi on jonossa", "the new matter in the queue")
    assert withdraw_question(p) == WITHDRAW_QUEUED["fi"]
    keep(p)
    states.validate()
