"""The professional's items 10–12 (issue 15): the resident's language on the queue row and the case, the
transfer and consult dialogs (the current queue marked, who is on shift, a note for the receiver), and a
consultant told when the case they were consulted on went on or closed. At 1366×768, axe-clean.

Run (from the repository root):

    NEUVO_BIN=/tmp/helperbin/neuvo "$HOME/.cache/neuvo-venv/bin/python" -m pytest -q Tests/clients/test_pro_dialogs.py
"""

from __future__ import annotations

import pytest

from conftest import chrome, require_binary, running_server
from test_pro_more import COLLEAGUE, ME, Browser, Client, _axe, _prepare

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
    b.find(row(swede.id)).click()
    b.wait(lambda: b.visible("#case-view") and b.finds("#case-lang"), "the Swedish case open")
    assert b.text("#case-lang") == "Asiakkaan kieli: ruotsi"
    _axe(b, "the case of a Swedish resident")
