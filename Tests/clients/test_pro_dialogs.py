"""The professional's items 10–12 (issue 15): the resident's language on the queue row and the case, the
transfer and consult dialogs (the current queue marked, who is on shift, a note for the receiver), and a
consultant told when the case they were consulted on went on or closed. At 1366×768, axe-clean.

Run (from the repository root):

    NEUVO_BIN=/tmp/helperbin/neuvo "$HOME/.cache/neuvo-venv/bin/python" -m pytest -q Tests/clients/test_pro_dialogs.py
"""

from __future__ import annotations

import uuid

import pytest

from conftest import chrome, require_binary, running_server
from test_pro_more import COLLEAGUE, ME, Browser, Client, _axe, _prepare, _shot, _snapshot, _vnu_failures

SNAPSHOTS: dict[str, str] = {}

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_binary()
    tmp = tmp_path_factory.mktemp("neuvo-pro-dialogs")
    with running_server(tmp, db=_prepare(tmp), extra=("--trusted-proxy", "127.0.0.1", "--secure-cookies", "off")) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(server):
    with chrome(1366, 768) as driver:
        b = Browser(driver, server)
        driver.get(server.url("/pro/"))
        b.sign_in(ME)
        b.wait(lambda: b.visible("#workspace"), "the workspace")
        yield b


@pytest.fixture(scope="module")
def colleague(server):
    c = Client(server.base)
    c.sign_in(COLLEAGUE)
    return c


@pytest.fixture(autouse=True)
def _no_script_errors(request):
    yield
    if "browser" in request.fixturenames:
        b = request.getfixturevalue("browser")
        errors = [e for e in b.driver.get_log("browser") if e.get("level") == "SEVERE" and e.get("source") != "network"]
        assert not errors, errors


def swedish_resident(server) -> Client:
    c = Client(server.base)
    status, conv = c.call("POST", "/api/v1/conversations", {})
    assert status == 201, conv
    c.id = conv["id"]
    status, outcome = c.call("POST", f"/api/v1/conversations/{c.id}/pre-questionnaire", {
        "serviceId": "skin", "subject": {"kind": "self"}, "language": "sv",
        "answers": {"duration": "days", "spreading": False, "breathing": False, "fever": False}})
    assert status == 200 and outcome.get("outcome") == "queued", outcome
    return c


def test_the_residents_language_shows_on_the_queue_row_and_the_case(server, browser):
    b = browser
    finn = Client(server.base)
    finn.start_case()
    swede = swedish_resident(server)
    row = lambda cid: f'#queue-list [data-pick="{cid}"]'
    b.wait(lambda: b.finds(row(swede.id)) and b.finds(row(finn.id)), "both cases in my queue")
    li = lambda cid: b.find(row(cid)).find_element("xpath", "ancestor::li")
    assert li(swede.id).find_elements("css selector", ".qi-lang"), "the Swedish resident's row is marked"
    assert "SV" in li(swede.id).find_element("css selector", ".qi-lang").text
    assert "ruotsi" in li(swede.id).find_element("css selector", ".qi-lang").get_attribute("title")
    assert not li(finn.id).find_elements("css selector", ".qi-lang"), "a Finnish row on a Finnish page is not"
    _axe(b, "the queue with a Swedish resident")
    _shot(b, "queue-swedish-resident")
    b.find(row(swede.id)).click()
    b.wait(lambda: b.visible("#case-view") and b.finds("#case-lang"), "the Swedish case open")
    assert b.text("#case-lang") == "Asiakkaan kieli: ruotsi"
    _axe(b, "the case of a Swedish resident")
    _shot(b, "case-swedish-resident")
    SNAPSHOTS["swedish-case"] = _snapshot(b)


def _hanna_id(colleague) -> int:
    status, people = colleague.call("GET", "/api/v1/pro/colleagues")
    assert status == 200, people
    return next(p["id"] for p in people["professionals"] if p["displayName"] == "Hanna Hoitaja")


def test_the_transfer_dialog_marks_the_current_queue_says_who_is_on_shift_and_sends_a_note(server, browser, colleague):
    b = browser
    status, shift = colleague.call("POST", "/api/v1/pro/shifts", {"queueId": "nurse", "onShift": True})
    assert status in (200, 204), shift
    cid = b.js("return document.querySelector('#mine-list [aria-current=true]')?.dataset.open")
    assert cid, "a case of mine is open"
    b.find("#transfer-button").click()
    b.wait(lambda: b.dialog_open("transfer-dialog") and b.finds("#transfer-note") and b.finds("#transfer-colleagues label"),
           "the transfer dialog with its note field")
    current = b.js("return document.querySelector('#transfer-queues .current-queue label')?.textContent || ''")
    assert "(nykyinen jono)" in current, current
    assert len(b.finds("#transfer-queues .current-queue")) == 1
    olli = b.js("return [...document.querySelectorAll('#transfer-colleagues label')].map(l => l.textContent)"
                ".find(t => t.includes('Olli')) || ''")
    assert "vuorossa:" in olli, olli
    assert b.text('label[for="transfer-note"]') == "Viesti vastaanottajalle (sisäinen)"
    _axe(b, "the transfer dialog with the current queue, shifts and the note")
    _shot(b, "transfer-dialog-queue-shifts-note")
    SNAPSHOTS["transfer-dialog"] = _snapshot(b)
    b.find("#transfer-note").send_keys("Ruotsinkielinen asiakas, ihottuma kolme päivää.")
    b.find('#transfer-colleagues input[value^="p:"]').click()
    b.find('#transfer-form button[type=submit]').click()
    b.wait(lambda: not b.dialog_open("transfer-dialog") and cid not in b.mine_ids(), "the case passed on")
    status, view = colleague.call("GET", f"/api/v1/pro/cases/{cid}")
    assert status == 200, view
    assert "Ruotsinkielinen asiakas, ihottuma kolme päivää." in str(view.get("notes")), view.get("notes")


def test_the_consult_dialog_says_who_is_on_shift(server, browser):
    b = browser
    finn = Client(server.base)
    finn.start_case()
    b.wait(lambda: finn.id in b.queue_ids(), "a new case in my queue")
    b.find(f'#queue-list [data-pick="{finn.id}"]').click()
    b.wait(lambda: finn.id in b.mine_ids() and b.visible("#consult-button") and b.find("#consult-button").is_enabled(),
           "the case taken")
    b.find("#consult-button").click()
    b.wait(lambda: b.dialog_open("consult-dialog") and "vuorossa" in b.text("#consult-colleagues"), "shifts in the consult dialog")
    _axe(b, "the consult dialog with shifts")
    _shot(b, "consult-dialog-shifts")
    b.find('#consult-dialog [data-dialog-cancel]').click()
    b.wait(lambda: not b.dialog_open("consult-dialog"), "the consult dialog to close")


@pytest.mark.parametrize("ending", ["transferred", "closed"])
def test_a_consultant_is_told_when_the_case_goes_on_or_closes(server, browser, colleague, ending):
    b = browser
    resident = Client(server.base)
    resident.start_case()
    status, conv = colleague.call("POST", "/api/v1/pro/pick", {"conversationId": resident.id})
    assert status == 200, conv
    status, conv = colleague.call("POST", f"/api/v1/pro/cases/{resident.id}/consult", {"professionalId": _hanna_id(colleague)})
    assert status in (200, 204), conv
    b.wait(lambda: resident.id in b.mine_ids(), "the consulted case among my cases")
    if ending == "transferred":
        status, conv = colleague.call("POST", f"/api/v1/pro/cases/{resident.id}/transfer", {"queueId": "dental"})
        expected = "Tapaus siirtyi eteenpäin; konsultaatiosi päättyi"
    else:
        status, conv = colleague.call("POST", f"/api/v1/pro/cases/{resident.id}/close", {
            "outcome": "adviceGiven", "instructions": "Lepoa.", "summary": "Ihottuma."})
        expected = "Tapaus päätettiin; konsultaatiosi päättyi"
    assert status in (200, 204), conv
    b.wait(lambda: expected in b.text("#alert") and b.visible("#alert"), "the consultant told")
    b.wait(lambda: resident.id not in b.mine_ids(), "the case gone from my cases")
    _axe(b, f"after a consultation ended ({ending})")
    _shot(b, f"consultation-ended-{ending}")
    SNAPSHOTS[f"consultation-ended-{ending}"] = _snapshot(b)


def test_closing_keeps_the_conversation_in_sight_and_adds_the_consultants_note_and_last_messages(server, browser, colleague):
    b = browser
    resident = Client(server.base)
    resident.start_case()
    b.wait(lambda: resident.id in b.queue_ids(), "a new case in my queue")
    b.find(f'#queue-list [data-pick="{resident.id}"]').click()
    b.wait(lambda: resident.id in b.mine_ids() and b.find("#close-button").is_enabled(), "the case taken")
    resident.say("Kutisee erityisesti öisin.")
    me = Client(server.base)
    me.sign_in(ME)
    status, conv = me.call("POST", f"/api/v1/pro/cases/{resident.id}/consult", {"professionalId": _olli_id(me)})
    assert status in (200, 204), conv
    status, note = colleague.call("POST", f"/api/v1/pro/cases/{resident.id}/notes",
                                  {"clientId": str(uuid.uuid4()), "text": "Suosittelen hydrokortisonivoidetta viikon ajan."})
    assert status in (200, 201), note
    b.wait(lambda: "hydrokortisonivoidetta" in b.text("#note-list") and "öisin" in b.text("#message-list"),
           "the consultant's note and the message")
    b.find("#close-button").click()
    b.wait(lambda: b.dialog_open("close-dialog") and b.finds("#close-add-note") and b.visible("#close-add-note"),
           "the close dialog with its additions")
    rects = b.js("""const r = (id) => document.getElementById(id).getBoundingClientRect();
                    const d = r('close-dialog'), m = r('message-list');
                    return {dl: d.left, dw: d.width, ml: m.left, mr: m.right, vw: innerWidth};""")
    assert rects["vw"] == 1366 and rects["dw"] < rects["vw"] / 2, rects
    assert rects["dl"] + rects["dw"] <= rects["ml"] + 1 or rects["dl"] >= rects["mr"] - 1, \
        f"the dialog covers the messages: {rects}"
    b.find("#close-summary").clear()
    b.find("#close-add-note").click()
    summary = b.find("#close-summary").get_property("value")
    assert summary == "Konsultin muistiinpano (Olli Lääkäri): Suosittelen hydrokortisonivoidetta viikon ajan.", summary
    b.find("#close-add-messages").click()
    summary = b.find("#close-summary").get_property("value")
    assert summary.endswith("Asiakas: Kutisee erityisesti öisin."), summary
    assert "\n\n" in summary and "Konsultin muistiinpano" in summary
    assert b.text("#close-added") == "Lisätty yhteenvetoon."
    _axe(b, "the close dialog beside the conversation")
    _shot(b, "close-dialog-beside-conversation")
    SNAPSHOTS["close-dialog"] = _snapshot(b)
    b.find('#close-outcome-advice, #outcome-advice').click()
    b.find("#close-instructions").send_keys("Voidetta viikon ajan.")
    b.find("#close-submit").click()
    b.wait(lambda: not b.dialog_open("close-dialog") and resident.id not in b.mine_ids(), "the case closed")
    status, view = colleague.call("GET", f"/api/v1/pro/cases/{resident.id}")
    assert status in (200, 403, 404), view


def _olli_id(client) -> int:
    status, people = client.call("GET", "/api/v1/pro/colleagues")
    assert status == 200, people
    return next(p["id"] for p in people["professionals"] if p["displayName"] == "Olli Lääkäri")


def test_the_new_states_are_valid_html(tmp_path):
    assert len(SNAPSHOTS) >= 5, f"the earlier tests did not run: {sorted(SNAPSHOTS)}"
    failures = _vnu_failures(SNAPSHOTS, tmp_path)
    assert not failures, "Nu HTML checker errors:\n" + "\n".join(failures)
