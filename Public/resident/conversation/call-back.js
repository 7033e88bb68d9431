// The call-back: the status card's part for being called instead of chatting. While the matter waits in the
// chat queue and its queue offers call-backs now, the resident may ask for one: a Finnish number, a free window
// of the next days (Finnish time, by day; full ones shown but not choosable) and, if they like, a text message
// when the call is near. They keep their place in the queue until they confirm. Then the request (its window,
// the number called and the number the call comes from, how many tries) and cancelling it, which withdraws
// the matter. main.js loads this module the first time a matter waits; its texts join the page's table here.
import { $, h, announce } from "../../shared/dom.js";
import { t, lang } from "../../shared/i18n.js";
import { request } from "../../shared/api.js";
import { S, terminal } from "../state.js";
import { STRINGS } from "../strings.js";
import { views } from "../render.js";
import { showError, showServerError, markInvalid } from "../errors.js";
import { catalogQueue } from "../words.js";
import { CALL_BACK_STRINGS } from "./call-back-strings.js";
import { dayText, hoursText, windowText, windowsByDay, looksMobile, clockText } from "./call-back-words.js";

// The conversation keeps what the server said (callBackOffer: GET …/call-back; callBack: the latest request)
// and whether the form is open (callBackForm). Here: which matter the form was set up for, what the offer was
// last fetched for, a call under way, and the windows and language the choices were drawn from.
let shownFor = null, fetchedKey = null, fetching = false, sending = false, drawn = {}, saidTry = null;

const path = (c) => `/api/v1/conversations/${encodeURIComponent(c.id)}/call-back`;
const live = (cb) => cb?.status === "requested" || cb?.status === "picked";
const say = (tag, key, attrs) => h(tag, { ...attrs, dataset: { t: key }, text: t(key) });
const FIELDS = { phone: ["cb-phone", "err-cb-phone"], window: ["cb-windows", "err-cb-window"] };

function build() {
  $("call-back").replaceChildren(
    h("div", { id: "cb-offer" },
      say("h2", "cbH", { id: "h-cb" }),
      say("p", "cbOffer"),
      say("button", "cbOpen", { type: "button", id: "cb-open", class: "secondary", onclick: openForm }),
      h("form", { id: "cb-form", novalidate: true, hidden: true, "aria-labelledby": "h-cb", onsubmit: submit },
        h("div", { class: "field" },
          say("label", "cbPhone", { for: "cb-phone" }),
          say("p", "cbPhoneHint", { class: "hint", id: "cb-phone-hint" }),
          h("p", { class: "error", id: "err-cb-phone", hidden: true }),
          h("input", { id: "cb-phone", type: "tel", autocomplete: "tel", inputmode: "tel", maxlength: "32", class: "medium",
            "aria-describedby": "cb-phone-hint" })),
        h("fieldset", { class: "group", id: "cb-windows", "aria-describedby": "cb-windows-hint" },
          say("legend", "cbWindows"),
          say("p", "cbWindowsHint", { class: "hint", id: "cb-windows-hint" }),
          h("p", { class: "error", id: "err-cb-window", hidden: true }),
          h("div", { id: "cb-days" })),
        h("div", { class: "choice" },
          h("input", { type: "checkbox", id: "cb-notify", "aria-describedby": "cb-notify-hint" }),
          say("label", "cbNotify", { for: "cb-notify" })),
        say("p", "cbNotifyHint", { class: "hint", id: "cb-notify-hint" }),
        h("p", { class: "error", id: "err-cb", role: "alert", hidden: true }),
        h("div", { class: "actions" },
          say("button", "cbConfirm", { type: "submit", class: "primary", id: "cb-confirm" }),
          say("button", "cbStay", { type: "button", class: "secondary", id: "cb-stay", onclick: closeForm })))),
    h("div", { id: "cb-request", hidden: true },
      say("h2", "cbYours"),
      h("dl", { class: "facts" },
        h("div", {}, say("dt", "cbWhenL"), h("dd", { id: "cb-when" })),
        h("div", {}, say("dt", "cbToL"), h("dd", { id: "cb-to" })),
        h("div", {}, say("dt", "cbFromL"), h("dd", { id: "cb-from" }))),
      h("p", { id: "cb-answer" }),
      say("p", "cbSms", { id: "cb-sms", hidden: true }),
      say("p", "cbPicked", { id: "cb-picked", class: "transfer", hidden: true }),
      h("div", { class: "actions" }, say("button", "cbCancel", { type: "button", id: "cb-cancel", class: "secondary", onclick: askCancel })),
      h("div", { id: "cb-cancel-confirm", class: "confirm", role: "group", "aria-labelledby": "cb-cancel-q", hidden: true },
        say("p", "cbCancelQ", { id: "cb-cancel-q", tabindex: "-1" }),
        h("p", { class: "error", id: "err-cb-cancel", role: "alert", hidden: true }),
        h("div", { class: "actions" },
          say("button", "cbCancelYes", { type: "button", id: "cb-cancel-yes", class: "danger", onclick: cancel }),
          say("button", "cbCancelNo", { type: "button", id: "cb-cancel-no", class: "secondary", onclick: keep })))),
    say("p", "cbCancelled", { id: "cb-cancelled", hidden: true }),
    h("div", { id: "cb-outcome", hidden: true },
      h("p", { id: "cb-missed", class: "transfer" }),
      h("div", { id: "cb-ended" }, h("p", { id: "cb-ended-text" }),
        h("p", { id: "cb-call-us" }, h("span", { id: "cb-call-us-text" }), " ", h("a", { id: "cb-call-us-tel", class: "tel" })))));
}

function render() {
  const c = S.conv, box = $("call-back");
  if (!c) { box.hidden = true; return; }
  if (shownFor !== c.id) reset(c);
  refresh(c);
  const offer = c.callBackOffer, cb = c.callBack;
  // Only for a matter nobody has picked yet: one passed on after a pick waits for a colleague, not in the queue.
  const offering = c.status === "queued" && !c.picked && !!offer?.offered && !live(cb)
    && (c.callBackForm || offer.windows.some((w) => w.free > 0));
  const requested = c.status === "callBack" && !!offer && live(cb);
  const cancelled = c.status === "withdrawn" && !!c.callBackCancelled;
  if (!offering) c.callBackForm = false;
  const outcome = renderOutcome(c);
  box.hidden = !(offering || requested || cancelled || outcome);
  $("cb-offer").hidden = !offering;
  $("cb-open").hidden = !!c.callBackForm;
  $("cb-form").hidden = !c.callBackForm;
  if (c.callBackForm) drawWindows(offer.windows);
  $("cb-request").hidden = !requested;
  if (requested) renderRequest(offer, cb);
  $("cb-cancelled").hidden = !cancelled;
}

// What the tries to call came to: a missed call while tries remain, or the matter closed as not reached (then the
// status card's heading and next step are this part's). A try that comes while the page is live is announced.
function renderOutcome(c) {
  const last = c.cbTry, ended = !!c.notReached;
  const missed = !ended && !terminal(c.status) && last?.result === "noAnswer";
  $("cb-outcome").hidden = !(missed || ended);
  $("cb-missed").hidden = !missed;
  if (missed) $("cb-missed").textContent = t("cbMissed", { time: clockText(last.at) });
  $("cb-ended").hidden = !ended;
  if (ended) {
    const caller = c.callBackOffer?.callerNumber || catalogQueue(c.queue)?.callBack?.callerNumber || "";
    $("h-conv").textContent = t("cbEndedH");
    $("conv-next").textContent = t("cbEndedNext");
    $("cb-ended-text").textContent = t(last?.result === "wrongNumber" ? "cbEndedWrong"
      : last?.attempts > 1 ? "cbEndedTries" : "cbEndedTries1", { n: last?.attempts });
    $("cb-call-us").hidden = !caller;
    $("cb-call-us-text").textContent = t("cbCallUs");
    $("cb-call-us-tel").textContent = caller;
    $("cb-call-us-tel").href = "tel:" + caller.replace(/[^\d+]/g, "");
  }
  const key = last && [c.id, last.attempts, ended].join("|");
  if (key && key !== saidTry) {
    if (S.live && missed) announce($("cb-missed").textContent);
    saidTry = key;
  }
  return missed || ended;
}

// Another matter: nothing of the last one's form is left.
function reset(c) {
  shownFor = c.id;
  fetchedKey = null;
  drawn = {};
  $("cb-form").reset();
  $("cb-days").replaceChildren();
  clearErrors();
  $("cb-cancel-confirm").hidden = true;
}

// The offer is asked for again when what it depends on changes: the queue, the wait estimate (a long wait may
// bring the offer), and, while a call is awaited, any news of the matter (the call may have begun). Not while
// the form is open: its windows stay put under the resident's hand, until a window turns out to be full.
function offerKey(c) {
  if (c.status === "queued" && !c.picked) return [c.id, c.status, c.queue?.id, c.estimate?.state, c.estimate?.maxMinutes].join("|");
  if (c.status === "callBack") return [c.id, c.status, S.cursor].join("|");
  return null;
}
function refresh(c) {
  const key = offerKey(c);
  if (key && key !== fetchedKey && !fetching && !c.callBackForm) fetchOffer(c, key);
}
async function fetchOffer(c, key) {
  fetching = true;
  const r = await request("GET", path(c));
  fetching = false;
  if (S.conv === c) {
    if (r.status) fetchedKey = key; // not reached: asked again at the next redraw
    if (r.ok) { c.callBackOffer = r.data; c.callBack = r.data.callBack; }
  }
  render();
}

// The windows by day as radio buttons, drawn again only when the windows or the language change.
function drawWindows(windows) {
  if (drawn.windows === windows && drawn.lang === lang) return;
  const chosen = document.querySelector("input[name=cb-window]:checked")?.value;
  drawn = { windows, lang };
  const days = windowsByDay(windows).map((day) => h("fieldset", { class: "group day" },
    h("legend", { text: dayText(day.start) }),
    day.windows.map((w) => {
      const id = "cb-w-" + windows.indexOf(w), free = w.free > 0;
      return h("div", { class: "choice" },
        h("input", { type: "radio", name: "cb-window", id, value: w.start, disabled: !free, checked: free && w.start === chosen }),
        h("label", { for: id, text: hoursText(w) + (free ? "" : ` (${t("cbFull")})`) }));
    })));
  if (!windows.some((w) => w.free > 0)) days.push(h("p", { text: t("cbNone") }));
  $("cb-days").replaceChildren(...days);
}

function renderRequest(offer, cb) {
  $("cb-when").textContent = windowText(cb.window);
  $("cb-to").textContent = cb.phone || "";
  $("cb-from").textContent = offer.callerNumber || "";
  const n = offer.attempts || 1;
  $("cb-answer").textContent = t("cbAnswer", { caller: offer.callerNumber }) + " " + (n > 1 ? t("cbTries", { n }) : t("cbTries1"));
  $("cb-sms").hidden = !cb.notify;
  const picked = cb.status === "picked";
  $("cb-picked").hidden = !picked;
  $("cb-cancel").hidden = picked;
  if (picked) $("cb-cancel-confirm").hidden = true;
}

function openForm() {
  S.conv.callBackForm = true;
  render();
  $("cb-phone").focus();
}
function closeForm() {
  S.conv.callBackForm = false;
  clearErrors();
  render();
  $("cb-open").focus();
}

function fieldError(field, key) {
  const [input, err] = FIELDS[field];
  showError(err, key);
  markInvalid($(input), err, !!key);
}
function clearErrors() {
  fieldError("phone", "");
  fieldError("window", "");
  showError("err-cb", "");
}
// Focus goes to the first field with an error: the number, or the first window that can still be chosen.
function focusError() {
  if (!$("err-cb-phone").hidden) $("cb-phone").focus();
  else document.querySelector("input[name=cb-window]:checked, input[name=cb-window]:enabled")?.focus();
}

async function submit(e) {
  e.preventDefault();
  const c = S.conv;
  if (sending || !c) return;
  clearErrors();
  const phone = $("cb-phone").value.trim(), notify = $("cb-notify").checked;
  const chosen = document.querySelector("input[name=cb-window]:checked");
  if (!phone) fieldError("phone", "ePhoneEmpty");
  if (!chosen) fieldError("window", "eWindow");
  if (!phone || !chosen) { focusError(); return; }
  sending = true;
  $("cb-confirm").disabled = true;
  const r = await request("POST", path(c), { phone, windowStart: chosen.value, notify, language: lang });
  sending = false;
  $("cb-confirm").disabled = false;
  if (S.conv !== c) return;
  if (r.ok) { made(c, r.data); return; }
  if (r.field === "phone") {
    fieldError("phone", notify && !looksMobile(phone) ? "ePhoneMobile" : "ePhone");
  } else if (r.code === "window_full" || r.field === "windowStart") {
    // Someone took the last place (or the window began): the windows as they are now, and why.
    await fetchOffer(c, offerKey(c));
    const key = r.code === "window_full" ? "eWindowFull" : "eWindow";
    fieldError("window", key);
    announce(t(key));
  } else if (r.code === "call_back_exists" || r.code === "not_waiting" || r.code === "call_back_not_offered" || r.code === "no_call_backs") {
    // The matter moved on meanwhile (a request from another tab, picked, or the offer ended): where it stands now.
    if (r.code !== "call_back_exists") announce(t(r.code === "not_waiting" ? "eCbNotWaiting" : "eCbNotOffered"));
    c.callBackForm = false;
    fetchedKey = null;
    render();
    return;
  } else {
    showServerError("err-cb", r);
    return;
  }
  focusError();
}

function made(c, cb) {
  Object.assign(c, { callBack: cb, status: "callBack", callBackForm: false, position: null });
  $("cb-form").reset();
  drawn = {};
  views.status();
  $("h-conv").focus();
  announce(t("cbMade") + " " + windowText(cb.window));
}

function askCancel() {
  $("cb-cancel-confirm").hidden = false;
  showError("err-cb-cancel", "");
  $("cb-cancel-q").focus();
}
function keep() {
  $("cb-cancel-confirm").hidden = true;
  $("cb-cancel").focus();
}
async function cancel() {
  const c = S.conv;
  if (sending || !c) return;
  sending = true;
  const r = await request("POST", path(c) + "/cancel", {});
  sending = false;
  if (S.conv !== c) return;
  if (!r.ok) {
    const key = { call_in_progress: "eCbInProgress", call_back_ended: "eCbEnded" }[r.code];
    if (key) { showError("err-cb-cancel", key); announce(t(key)); } else showServerError("err-cb-cancel", r);
    fetchedKey = null;
    render();
    return;
  }
  Object.assign(c, { callBack: r.data, status: "withdrawn", callBackCancelled: true });
  $("cb-cancel-confirm").hidden = true;
  views.status();
  $("h-conv").focus();
  announce($("h-conv").textContent + ". " + t("cbCancelled") + " " + $("conv-next").textContent);
}

export function startCallBack() {
  for (const [l, table] of Object.entries(CALL_BACK_STRINGS)) Object.assign(STRINGS[l], table);
  build();
  views.callBack = render;
  render();
}
