"""The child's personal identity code on the resident's page and Kanta's service event in the workspace, in
headless Chromium against the real binary in demo mode (the demo's test identification, the demo catalog and
its professionals; terhi's password is read from the server's start-up lines).

An identified resident at 360×740 in Finnish chooses "a child": the optional identity code field shows with
why it is asked; a wrong check character is refused on the page (nothing sent); a valid code without an age
queues the matter. The nurse sees the code, the birth date and "huoltajan ilmoittama" in the case; the close
dialog refuses a malformed service event at its field, keeping the text; closing with a valid one files a
record document whose Patient carries the child's code and birth date and whose Encounter the service event.
An unidentified resident is offered no code field. axe-core (WCAG 2.1 A/AA) in each new state, the Nu HTML
checker on each state's DOM at the end; screenshots go to the server's temporary folder.

Run: NEUVO_BIN=/tmp/helperbin/neuvo "$HOME/.cache/neuvo-venv/bin/python" -m pytest -q Tests/clients/test_child_identity_page.py
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import chrome
from pages import Workspace, eventually
from test_pro_more import _axe, _vnu_failures
from test_resident_more import run_axe
from test_resident_page import by_css, catalog_server, click, fresh, screenshot, until, visible

GUARDIAN = "131052-308T"
CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
SERVICE_EVENT = "1.2.246.10.12345678.20.2026.1"
SERVICE_EVENT_URL = "https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/service-event"


def identity_code(day: int, month: int, year: int, individual: int) -> str:
    """A valid Finnish personal identity code (individual number 2–899: a permanent one) for a 2000s birth."""
    digits = f"{day:02d}{month:02d}{year % 100:02d}"
    return f"{digits}A{individual:03d}{CHECK[int(digits + f'{individual:03d}') % 31]}"


CHILD = identity_code(1, 1, 2018, 244)
WRONG = CHILD[:-1] + ("X" if CHILD[-1] != "X" else "Y")

SNAPSHOTS: dict[str, str] = {}
FLOW: dict[str, str] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Named `server` so conftest's `_server_alive` check covers it."""
    with catalog_server(tmp_path_factory.mktemp("child-identity"), demo=True) as srv:
        yield srv


@pytest.fixture(scope="module")
def resident(server):
    with chrome(360, 740) as d:
        # A phone's viewport (a headless window is not made narrower than 500 px).
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True})
        yield d


@pytest.fixture(scope="module")
def nurse(server):
    with chrome(1366, 768) as d:
        b = Workspace(d, server, "nurse")
        d.get(server.url("/pro/"))
        b.sign_in("terhi", password(server, "terhi"))
        b.wait(lambda: b.visible("#workspace"), "the workspace")
        yield b


@pytest.fixture(autouse=True)
def _no_script_errors(request):
    yield
    for name in ("resident", "nurse"):
        if name in request.fixturenames:
            fixture = request.getfixturevalue(name)
            d = fixture.driver if name == "nurse" else fixture
            errors = [e for e in d.get_log("browser") if e.get("level") == "SEVERE" and e.get("source") != "network"]
            assert not errors, f"errors in the {name}'s page: {errors}"


def password(srv, user: str) -> str:
    line = next(l for l in srv.log if l.strip().startswith(user + " / "))
    return line.strip().split(" / ")[1]


def snapshot(d) -> str:
    return "<!DOCTYPE html>\n" + d.execute_script(
        "const c = document.documentElement.cloneNode(true);"
        "for (const s of c.querySelectorAll('script:not([src])')) s.remove();"
        "return c.outerHTML")


def text(d, css) -> str:
    return d.execute_script("const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null", css)


def identify(d, srv):
    fresh(d, srv)
    until(d, lambda: visible(d, "#demo-ident"), "the demo's test identification was not offered")
    by_css(d, "#demo-code").send_keys(GUARDIAN)
    click(d, "#demo-submit")
    until(d, lambda: visible(d, "#ident-status"), "the test identification did not identify")


# --------------------------------------------------------------------------
# The resident
# --------------------------------------------------------------------------


def test_an_unidentified_resident_is_offered_no_code_field(resident, server):
    d = resident
    fresh(d, server)
    until(d, lambda: d.execute_script("return window.__neuvo.state.session !== null"), "the page did not read its session")
    click(d, "label[for=subject-child]")
    until(d, lambda: visible(d, "#child-name"), "the child's fields did not show")
    assert not visible(d, "#child-code"), "an unidentified resident was offered the identity code field"
    assert "henkilötunnus" not in (text(d, "#child-fields") or "").lower()


def test_an_identified_resident_gives_the_childs_code_instead_of_an_age(resident, server):
    d = resident
    identify(d, server)
    click(d, "label[for=subject-child]")
    until(d, lambda: visible(d, "#child-code"), "the identity code field did not show for an identified resident")
    field = by_css(d, "#child-code")
    assert d.execute_script("return arguments[0].labels[0].textContent", field) == "Lapsen henkilötunnus (vapaaehtoinen)"
    why = text(d, "#child-code-why")
    assert "lapsen omiin potilastietoihin" in why, why
    assert "child-code-why" in field.get_attribute("aria-describedby").split()
    run_axe(d, "child chosen, with the identity code field")
    SNAPSHOTS["resident-child-code"] = snapshot(d)
    screenshot(d, server, "child-code-field", "#child-code-field")

    # A wrong check character: said at the field, focus there, and nothing sent.
    by_css(d, "#child-name").send_keys("Aino")
    field.send_keys(WRONG)
    click(d, "#subject-form button[type=submit]")
    until(d, lambda: visible(d, "#err-child-code"), "a wrong check character showed no error")
    assert text(d, "#err-child-code") == ("Tämä ei ole kelvollinen henkilötunnus. Tarkista syntymäaika, välimerkki "
                                          "ja tarkistusmerkki.")
    assert field.get_attribute("aria-invalid") == "true"
    assert "err-child-code" in field.get_attribute("aria-describedby").split()
    assert d.execute_script("return document.activeElement.id") == "child-code"
    assert not visible(d, "#err-child-age"), "the age was asked for although a code was typed"
    state = d.execute_script("const s = window.__neuvo.state; return [s.step, s.conv, s.subject]")
    assert state == ["subject", None, None], state
    run_axe(d, "a wrong identity code")
    SNAPSHOTS["resident-child-code-error"] = snapshot(d)
    screenshot(d, server, "child-code-error", "#child-code-field")

    # A valid code and no age: on to the service and queued.
    field.clear()
    field.send_keys(CHILD.lower())
    click(d, "#subject-form button[type=submit]")
    until(d, lambda: visible(d, "[data-service=child-health]"), "the service list did not appear")
    assert not visible(d, "#err-child-code")
    click(d, "[data-service=child-health]")
    until(d, lambda: visible(d, "#question-matter"), "the child-health questions did not appear")
    click(d, "label[for=q-matter-growth]")
    click(d, "#submit-answers")
    until(d, lambda: visible(d, "#step-conversation"), "the matter was not queued")
    until(d, lambda: text(d, "#conv-queue") == "Lasten terveys", "not queued in child-health")
    FLOW["conv"] = d.execute_script("return localStorage.getItem('neuvo.conversation')")
    assert FLOW["conv"]


# --------------------------------------------------------------------------
# The nurse
# --------------------------------------------------------------------------


def test_the_nurse_sees_the_childs_code_birth_date_and_that_the_guardian_gave_it(nurse):
    b, conv = nurse, FLOW.get("conv")
    assert conv, "the resident's matter was not queued"
    b.wait(lambda: conv in b.queue_ids(), "the child's matter in terhi's queue")
    b.find(f'#queue-list [data-pick="{conv}"]').click()
    b.wait(lambda: conv in b.mine_ids() and b.finds("#case-child-identity"), "the case open with the child's identity")
    assert b.text("#case-child-identity") == f"Henkilötunnus {CHILD}, syntynyt 1.1.2018 – huoltajan ilmoittama"
    assert "Aino" in b.text("#case-heading")
    _axe(b, "the case with the child's identity code")
    SNAPSHOTS["pro-case-child-identity"] = snapshot(b.driver)
    b.driver.save_screenshot(str(Path(b.server.tmp) / "pro-case-child-identity.png"))


def test_the_close_dialog_says_a_wrong_service_event_at_its_field_and_keeps_it(nurse):
    b, conv = nurse, FLOW.get("conv")
    b.wait(lambda: b.find("#close-button").is_enabled(), "the close button")
    b.find("#close-button").click()
    b.wait(lambda: b.dialog_open("close-dialog") and b.finds("#close-service-event"), "the close dialog with the service event")
    assert b.text('label[for="close-service-event"]') == "Palvelutapahtuman tunniste (Kanta, valinnainen)"
    b.find("#outcome-advice").click()
    b.find("#close-instructions").send_keys("Kasvu seurannassa neuvolassa.")
    if not b.find("#close-summary").get_property("value").strip():
        b.find("#close-summary").send_keys("Kasvuasia.")
    field = b.find("#close-service-event")
    field.send_keys("1.2.246.x")
    b.find("#close-submit").click()
    b.wait(lambda: b.visible("#close-service-event-error"), "the refused service event said at its field")
    assert b.text("#close-service-event-error").startswith("Tunniste ei kelpaa.")
    assert b.dialog_open("close-dialog"), "the dialog closed"
    assert field.get_property("value") == "1.2.246.x"
    assert field.get_attribute("aria-invalid") == "true"
    assert "close-service-event-error" in field.get_attribute("aria-describedby").split()
    assert b.js("return document.activeElement.id") == "close-service-event"
    assert not b.visible("#close-error")
    assert conv in b.mine_ids(), "the case left although closing was refused"
    _axe(b, "the close dialog with a refused service event")
    SNAPSHOTS["pro-close-service-event-error"] = snapshot(b.driver)
    b.driver.save_screenshot(str(Path(b.server.tmp) / "pro-close-service-event-error.png"))


def test_closing_with_a_service_event_files_the_childs_record(nurse, server):
    b, conv = nurse, FLOW.get("conv")
    field = b.find("#close-service-event")
    field.clear()
    field.send_keys("urn:oid:" + SERVICE_EVENT)
    b.find("#close-submit").click()
    b.wait(lambda: not b.dialog_open("close-dialog") and conv not in b.mine_ids(), "the case closed")

    def document():
        with sqlite3.connect(server.db) as db:
            row = db.execute("SELECT document FROM record_exports WHERE conversation_id = ?", (conv,)).fetchone()
        return json.loads(row[0]) if row else None
    bundle = eventually(document, "the record document of the closed case")
    resources = [e["resource"] for e in bundle["entry"]]
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    assert {"system": "urn:oid:1.2.246.21", "value": CHILD, "use": "official"}.items() <= \
        next(i for i in patient["identifier"] if i["system"] == "urn:oid:1.2.246.21").items(), patient["identifier"]
    assert patient["birthDate"] == "2018-01-01"
    encounter = next(r for r in resources if r["resourceType"] == "Encounter")
    assert {"url": SERVICE_EVENT_URL, "valueOid": "urn:oid:" + SERVICE_EVENT} in encounter.get("extension", []), encounter


def test_the_new_states_are_valid_html(tmp_path):
    assert len(SNAPSHOTS) == 4, f"the earlier tests did not all run: {sorted(SNAPSHOTS)}"
    failures = _vnu_failures(SNAPSHOTS, tmp_path)
    assert not failures, "Nu HTML checker errors:\n" + "\n".join(failures)
