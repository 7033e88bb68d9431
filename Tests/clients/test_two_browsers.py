"""A resident and a nurse, each in their own headless Chromium, meet over the real server.

Nothing in between is driven over plain HTTP: the resident answers the skin
questions on the resident's page (/), the nurse signs in on the workspace page
(/pro/), sees the case arrive without a reload, picks it, and the two chat both
ways; the nurse closes with an edited summary; the resident sees the closing
instructions and gives feedback. The database is read at the end to check that
what the pages said happened did happen (the record export carries the edited
summary, the feedback is stored once).

Run (from the repository root):

    "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_two_browsers.py

Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

import json
import time
import os
import sqlite3
import subprocess
import uuid

import pytest

from conftest import NEUVO_BIN, REPO, catalog_file, chrome, require_binary, running_server
from pages import Page

NURSE, PASSWORD = "hanna", "Hoitaja-salasana-2024"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real binary with the test catalog and one nurse, added with the CLI before it starts."""
    require_binary()
    tmp = tmp_path_factory.mktemp("two-browsers")
    db = tmp / "neuvo.sqlite"
    where = ["--db", str(db), "--migrations", str(REPO / "Migrations")]
    for args, env in ((["catalog", "import", str(catalog_file(tmp))], {}),
                      (["user", "add", NURSE, "--name", "Hanna Hoitaja", "--title", "sairaanhoitaja", "--queues", "nurse"],
                       {"NEUVO_PASSWORD": PASSWORD})):
        done = subprocess.run([str(NEUVO_BIN), *args, *where], cwd=tmp, capture_output=True, text=True, timeout=60,
                              env={**os.environ, **env}, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, f"neuvo {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    with running_server(tmp, db=db) as srv:
        srv.db = db
        yield srv


@pytest.fixture(scope="module")
def resident():
    with chrome(412, 900) as d:
        yield Page(d, name="resident")


@pytest.fixture(scope="module")
def nurse():
    with chrome(1280, 900) as d:
        yield Page(d, name="nurse")


ALT, CTRL, ENTER, END = "\ue00a", "\ue009", "\ue007", "\ue010"


def test_resident_and_nurse_meet_in_two_browsers(server, resident, nurse):
    r, n = resident, nurse

    # The nurse signs in; her queue is empty.
    n.driver.get(server.url("/pro/"))
    n.wait(lambda: n.visible("#login-form"), "the sign-in form")
    n.find("#login-username").send_keys(NURSE)
    n.find("#login-password").send_keys(PASSWORD)
    n.find("#login-submit").click()
    n.wait(lambda: n.visible("#workspace"), "the workspace after signing in")
    assert n.visible("#queue-empty"), "a fresh database has an empty queue"
    n.mark()

    # The resident: myself → Illness and health → Skin symptoms, with the `spreading` branch taken.
    r.driver.get(server.url("/"))
    r.wait(lambda: r.visible("#step-subject"), "the whose-matter step")
    r.find("label[for=subject-self]").click()
    r.find("#subject-form button[type=submit]").click()
    r.wait(lambda: r.visible("[data-service=illness]"), "the service list")
    r.find("[data-service=illness]").click()
    r.wait(lambda: r.visible("[data-service=skin]"), "the skin service")
    r.find("[data-service=skin]").click()
    r.wait(lambda: r.visible("#question-duration"), "the skin questions")
    r.find("label[for=q-duration-days]").click()
    r.wait(lambda: r.visible("#question-spreading"), "the 'spreading' branch")
    r.find("label[for=q-spreading-yes]").click()
    r.find("label[for=q-breathing-no]").click()
    r.find("label[for=q-fever-no]").click()
    note = "Punaisia läiskiä käsivarressa " + uuid.uuid4().hex[:6]
    r.find("#q-notes").send_keys(note)
    r.find("#submit-answers").click()
    r.wait(lambda: r.visible("#step-conversation"), "the waiting view")
    r.wait(lambda: r.text("#conv-position") == "Olet jonossa sijalla 1.", "position 1")
    conv = r.driver.execute_script("return localStorage.getItem('neuvo.conversation')")
    assert conv
    r.mark()

    # The case reaches the nurse's queue live, and she picks it.
    pick = f'#queue-list [data-pick="{conv}"]'
    n.wait(lambda: n.finds(pick), "the resident's case in the queue without reload")
    item = n.text("#queue-list li")
    assert "Iho-oireet" in item and "Oma asia" in item and "Tunnistamaton" in item, item
    n.find(pick).click()
    n.wait(lambda: n.visible("#case-view"), "the picked case")
    assert "Iho-oireet" in n.text("#case-heading")
    answers = n.text("#answers-list")
    assert "Kauanko ihottuma on kestänyt?" in answers and "Päiviä" in answers and note in answers, answers
    n.wait(lambda: not n.finds("#queue-list li"), "the case to leave the queue")

    # The resident sees who took the matter.
    r.wait(lambda: r.text("#h-conv") == "Asiaasi käsitellään", "the pick on the resident's page")
    r.wait(lambda: r.text("#conv-next").startswith("Hanna Hoitaja, sairaanhoitaja käsittelee"),
            "the nurse's name and title")
    assert not r.visible("#conv-position")

    # Nurse → resident, sent with Ctrl+Enter.
    question = "Hei, olen hoitaja Hanna. Kutiseeko ihottuma?"
    box = n.find("#message-input")
    box.click()
    box.send_keys(question)
    n.chord(CTRL, ENTER)
    n.wait(lambda: box.get_attribute("value") == "", "the message box to clear")
    r.wait(lambda: question in r.text("#messages"), "the nurse's message on the resident's page")
    assert "Hanna Hoitaja, sairaanhoitaja" in r.text("#messages li.theirs .who")
    r.wait(lambda: question in r.find("#announcer").get_attribute("textContent"), "the message announced")

    # Resident → nurse.
    answer = "Kutisee vähän, varsinkin iltaisin."
    r.find("#chat-text").send_keys(answer)
    r.find("#chat-form button[type=submit]").click()
    n.wait(lambda: answer in n.text("#message-list"), "the resident's answer on the nurse's page")
    r.wait(lambda: not r.finds("#messages li.pending"), "the resident's message confirmed")
    chat_r = r.driver.execute_script("return [...document.querySelectorAll('#messages li .text')].map((p) => p.textContent)")
    chat_n = n.driver.execute_script("return [...document.querySelectorAll('#message-list li .msg-text')].map((p) => p.textContent)")
    assert chat_r == [question, answer] and chat_n == [question, answer], (chat_r, chat_n)

    # The nurse closes with Alt+C, choosing the outcome and editing the prefilled summary.
    n.find("body").click()
    n.chord(ALT, "c")
    n.wait(lambda: n.find("#close-dialog").get_attribute("open") is not None, "the closing dialog")
    summary = n.find("#close-summary")
    draft = summary.get_attribute("value")
    assert "Iho-oireet" in draft and note in draft, f"the summary is not prefilled from the answers: {draft!r}"
    n.find("#outcome-advice").click()
    instructions = "Rasvaa ihoa kahdesti päivässä. Jos ihottuma leviää kasvoihin, ota yhteyttä uudelleen."
    n.find("#close-instructions").send_keys(instructions)
    summary.send_keys(END)
    added = "Ohjattu perusvoiteeseen."
    summary.send_keys("\n" + added)
    n.find("#close-submit").click()
    n.wait(lambda: n.find("#close-dialog").get_attribute("open") is None, "the closing dialog to close")
    n.wait(lambda: not n.finds(f'#mine-list [data-open="{conv}"]'), "the case to leave my cases")

    # The resident sees the instructions at once and answers the feedback question.
    r.wait(lambda: r.visible("#conv-instructions"), "the closing instructions without reload")
    assert r.text("#conv-instructions-text") == instructions
    assert r.text("#h-conv") == "Asiasi on käsitelty"
    assert not r.visible("#chat-form"), "a closed matter still takes messages"
    r.wait(lambda: r.visible("#feedback-form"), "the feedback form")
    r.find("#score-8").click()  # the radio lies over its number, as a tap target
    comment = "Sain nopeasti apua."
    r.find("#feedback-comment").send_keys(comment)
    r.find("#feedback-submit").click()
    r.wait(lambda: r.visible("#feedback-thanks"), "the thank-you")

    assert r.not_reloaded() and n.not_reloaded(), "a page reloaded on the way"

    # What the pages said is what the database holds.
    with sqlite3.connect(f"file:{server.db}?mode=ro", uri=True) as db:
        status, closing = db.execute("SELECT status, closing_summary FROM conversations WHERE id = ?", (conv,)).fetchone()
        assert status == "closed" and closing.startswith(draft) and closing.endswith(added), (status, closing)
        [document] = [json.loads(d) for (d,) in
                      db.execute("SELECT document FROM record_exports WHERE conversation_id = ?", (conv,))]
        assert added in json.dumps(document, ensure_ascii=False), "the record export lacks the edited summary"
        assert db.execute("SELECT score, comment FROM feedback WHERE conversation_id = ?", (conv,)).fetchall() == [(8, comment)]

    # The server's log has one line per request and no health data: no answers, chat, instructions,
    # summary, feedback, password, nor even the conversation's id.
    # Info lines are written in batches (at most 50 ms late).
    for _ in range(100):
        log = server.stderr_path.read_text(encoding="utf-8", errors="replace")
        if "request POST /api/v1/pro/cases/{id}/close 200" in log:
            break
        time.sleep(0.05)
    assert "request POST /api/v1/pro/cases/{id}/close 200" in log, log[-2000:]
    for secret in (note, question, answer, instructions, added, comment, PASSWORD, conv, "Punaisia", "Rasvaa"):
        assert secret not in log, f"the server log contains {secret!r}"

    # Neither page logged an error (the workspace's sign-in probe answers 401 before signing in, by design).
    assert not [e for e in r.drain_logs() if e.get("level") == "SEVERE"]
    assert not [e for e in n.drain_logs() if e.get("level") == "SEVERE" and "/api/v1/pro/me - " not in e.get("message", "")]
