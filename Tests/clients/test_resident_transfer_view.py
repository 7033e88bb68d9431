"""A transfer mid-chat on the resident's page (Public/resident/conversation/status.js, poll.js) in headless Chromium.

A real Neuvo binary with a catalog written here: the nurse and dental queues open only on the day after tomorrow
(Finnish time), so both are closed now. A resident queues a skin matter (nurse) on a 360×740 phone and sees the
"closed" notice; a professional picks it from the closed queue over the API and then transfers it to the dental
queue, also closed. Once picked, the matter never shows the closed notice or a place in the queue again, also after
a reload: the page says the matter was passed to a colleague who will answer here. axe-core (WCAG 2.1 A and AA) at
360 px and desktop width, the Nu HTML checker, and a screenshot to NEUVO_SCREENSHOTS, else the test's temporary folder.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_resident_transfer_view.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

from pathlib import Path

from pages import ApiClient, Page, plain
from resident_fixtures import (edited_catalog, opening_later, page, prepared_server,  # noqa: F401 (page: the fixture)
                               server_fixture, shot_into)
from test_resident_call_back import PHONE, States, queue_on_page

PRO, PASSWORD = "tuula", "Tuula-salasana-2024"
PASSED = "Your matter was passed to a colleague; they will answer here."


def transfer_server(tmp: Path):
    """The nurse and dental queues closed until the day after tomorrow; one nurse in both."""
    def edit(q: dict) -> None:
        if q["id"] in ("nurse", "dental"):
            q["openingHours"] = opening_later()
    return prepared_server(tmp, edited_catalog(tmp, "transfer-catalog.json", edit),
                           [(PRO, "Tuula Hoitaja", "sairaanhoitaja", "nurse,dental")], PASSWORD)


server = server_fixture(transfer_server, "transfer-view")


def waiting_bits(p: Page) -> dict:
    """What of the waiting view shows: the closed notice, the place in the queue, the wait estimate, the target."""
    return {css: p.visible(css) for css in ("#conv-wait-info", "#conv-position", "#conv-estimate", "#conv-target")}


def assert_passed_on(p: Page, when: str) -> None:
    p.wait(lambda: plain(p.text("#conv-next")) == PASSED, f"the passed-on line {when}")
    assert waiting_bits(p) == dict.fromkeys(waiting_bits(p), False), f"the waiting view {when}: {waiting_bits(p)}"
    assert plain(p.text("#conv-transfer")) == "Your matter was passed on to the queue: Oral health.", p.text("#conv-transfer")
    assert "closed" not in plain(p.text("#step-conversation")).lower().replace("you can close this page", "")
    assert p.visible("#chat-form"), f"no chat {when}"


def test_a_transfer_after_the_pick_is_no_return_to_the_closed_queue(server, page, tmp_path):
    p = page
    states = States(p, tmp_path)
    conv = queue_on_page(p, server, "en")
    p.wait(lambda: p.visible("#conv-wait-info"), "the closed notice while waiting")
    assert p.visible("#conv-position"), "no place in the queue while waiting"

    pro = ApiClient(server.base)
    status, body = pro.call("POST", "/api/v1/pro/login", {"username": PRO, "password": PASSWORD})
    assert status == 200, body
    status, body = pro.call("POST", "/api/v1/pro/pick", {"conversationId": conv})
    assert status == 200, body
    p.wait(lambda: plain(p.text("#h-conv")) == "Your matter is being handled", "the matter picked")

    status, body = pro.call("POST", f"/api/v1/pro/cases/{conv}/transfer", {"queueId": "dental"})
    assert status == 200, body
    assert_passed_on(p, "after the transfer")
    states.check("passed on after the pick", PHONE)
    shot_into(p, tmp_path, "transfer-passed-on")

    p.driver.refresh()
    p.wait(lambda: p.visible("#step-conversation"), "the conversation after a reload")
    assert_passed_on(p, "after a reload")
    assert p.text("#conv-queue")  # still says which queue holds it
    states.check("passed on after a reload", PHONE)
    states.validate()
