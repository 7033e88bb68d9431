// "Text me when a professional answers": the status card's small, optional part below the notification
// offer. While the matter waits in the chat queue or is being handled, the resident may give a Finnish mobile
// number; when a professional writes, the server puts one text message in its outbox (that there is an answer,
// and the service's name: nothing the resident told), and again after each message of theirs that gets an
// answer. Then the number (as a Finnish phone writes it) and stopping the texts, which deletes the number;
// after a reload the server says what was chosen. Not after the matter ended, nor while it waits for a call.
// main.js loads this module the first time such a matter shows; its texts join the page's table here.
import { $, h, announce } from "../../shared/dom.js";
import { t, lang } from "../../shared/i18n.js";
import { request } from "../../shared/api.js";
import { S } from "../state.js";
import { STRINGS } from "../strings.js";
import { views } from "../render.js";
import { showError, showServerError, markInvalid } from "../errors.js";
import { REPLY_TEXT_STRINGS } from "./reply-text-strings.js";

// The conversation keeps the server's answer (replyText: { phone, language }, null for none, undefined until
// asked) and whether the form is open (replyTextForm). Here: the matter the part was last drawn for, the
// matter asked about, and a call under way.
let shownFor = null, askedFor = null, sending = false;

const path = (c) => `/api/v1/conversations/${encodeURIComponent(c.id)}/reply-text`;
const say = (tag, key, attrs) => h(tag, { ...attrs, dataset: { t: key }, text: t(key) });
const offered = (c) => !!c && (c.status === "queued" || c.status === "active");

// The national significant number of a Finnish number as typed (+358 40…, 00358 40…, 040…), else null.
function national(text) {
  const m = /^(?:\+358|00358|0)([1-9]\d{4,11})$/.exec(text.replace(/[\s()\u00a0-]/g, ""));
  return m ? m[1] : null;
}
// The server's +358401234567 as a Finnish phone writes it: 040 123 4567.
function phoneText(e164) {
  const m = /^\+358(4\d|50)(\d+)$/.exec(e164 || "");
  if (!m) return e164 || "";
  const rest = m[2].length > 4 ? `${m[2].slice(0, 3)} ${m[2].slice(3)}` : m[2];
  return `0${m[1]} ${rest}`;
}

function build() {
  const box = h("div", { id: "reply-text", class: "notify-offer reply-text", hidden: true },
    h("div", { id: "rt-offer" },
      say("p", "rtWhy", { id: "rt-why", class: "hint" }),
      say("button", "rtOpen", { type: "button", id: "rt-open", class: "secondary", "aria-expanded": "false",
        "aria-controls": "rt-form", "aria-describedby": "rt-why", onclick: toggleForm }),
      // Spaced from the button above as the offers are (app.css has no rule of this part's own).
      h("form", { id: "rt-form", class: "notify-offer", novalidate: true, hidden: true, onsubmit: submit },
        h("div", { class: "field" },
          say("label", "rtPhone", { for: "rt-phone" }),
          say("p", "rtPhoneHint", { class: "hint", id: "rt-phone-hint" }),
          h("p", { class: "error", id: "err-rt-phone", hidden: true }),
          h("input", { id: "rt-phone", type: "tel", autocomplete: "tel", inputmode: "tel", maxlength: "32", class: "medium",
            "aria-describedby": "rt-phone-hint" })),
        h("p", { class: "error", id: "err-rt", role: "alert", hidden: true }),
        h("div", { class: "actions" }, say("button", "rtSave", { type: "submit", class: "primary", id: "rt-save" })))),
    h("div", { id: "rt-on", hidden: true },
      h("p", { id: "rt-on-text", tabindex: "-1" }),
      say("p", "rtOnHint", { class: "hint", id: "rt-on-hint" }),
      h("p", { class: "error", id: "err-rt-stop", role: "alert", hidden: true }),
      h("div", { class: "actions" },
        say("button", "rtStop", { type: "button", class: "secondary", id: "rt-stop", "aria-describedby": "rt-on-text", onclick: stop }))));
  $("notify-offer").after(box);
}

function render() {
  const c = S.conv, box = $("reply-text");
  if (c && shownFor !== c.id) reset(c);
  const show = offered(c);
  if (show && askedFor !== c.id) ask(c);
  // Until the server has said whether texts are on, nothing: the offer must not flash for a resident who has them.
  box.hidden = !show || c.replyText === undefined;
  if (box.hidden) { if (c) c.replyTextForm = false; return; }
  const on = !!c.replyText, open = !on && !!c.replyTextForm;
  $("rt-offer").hidden = on;
  $("rt-form").hidden = !open;
  $("rt-open").setAttribute("aria-expanded", String(open));
  $("rt-on").hidden = !on;
  $("rt-on-text").textContent = on ? t("rtOn", { phone: phoneText(c.replyText.phone) }) : "";
}

// Another matter: nothing of the last one's form is left.
function reset(c) {
  shownFor = c.id;
  $("rt-form").reset();
  clearErrors();
  showError("err-rt-stop", "");
}

async function ask(c) {
  askedFor = c.id;
  const r = await request("GET", path(c));
  if (S.conv !== c) return;
  if (r.ok) c.replyText = r.data?.replyText ?? null;
  else if (!r.status) askedFor = null; // not reached: asked again at the next redraw
  else c.replyText = null;
  render();
}

function toggleForm() {
  const c = S.conv;
  c.replyTextForm = !c.replyTextForm;
  if (!c.replyTextForm) clearErrors();
  render();
  if (c.replyTextForm) $("rt-phone").focus();
}

function fieldError(key) {
  showError("err-rt-phone", key);
  markInvalid($("rt-phone"), "err-rt-phone", !!key);
}
function clearErrors() {
  fieldError("");
  showError("err-rt", "");
}
// Beside the field, said at once, and the keyboard back in the field.
function refuse(key) {
  fieldError(key);
  $("rt-phone").focus();
  announce(t(key));
}

async function submit(e) {
  e.preventDefault();
  const c = S.conv;
  if (sending || !c) return;
  clearErrors();
  const phone = $("rt-phone").value.trim();
  if (!phone) { refuse("rtEmpty"); return; }
  sending = true;
  $("rt-save").disabled = true;
  const r = await request("POST", path(c), { phone, language: lang });
  sending = false;
  $("rt-save").disabled = false;
  if (S.conv !== c) return;
  if (r.ok) {
    Object.assign(c, { replyText: r.data.replyText, replyTextForm: false });
    $("rt-form").reset();
    render();
    $("rt-on-text").focus();
    announce(t("rtMade") + " " + $("rt-on-text").textContent);
    return;
  }
  if (r.field === "phone") {
    const n = national(phone);
    refuse(n && !/^(4|50)/.test(n) ? "rtNotMobile" : "rtBadPhone");
    return;
  }
  const key = { phone_limit: "rtLimit", conversation_closed: "rtClosed" }[r.code];
  if (key) showError("err-rt", key); else showServerError("err-rt", r);
}

async function stop() {
  const c = S.conv;
  if (sending || !c) return;
  sending = true;
  showError("err-rt-stop", "");
  const r = await request("POST", path(c) + "/remove", {});
  sending = false;
  if (S.conv !== c) return;
  if (!r.ok) { showServerError("err-rt-stop", r); return; }
  c.replyText = null;
  render();
  $("rt-open").focus();
  announce(t("rtStopped"));
}

export function startReplyText() {
  for (const [l, table] of Object.entries(REPLY_TEXT_STRINGS)) Object.assign(STRINGS[l], table);
  build();
  views.replyText = render;
  render();
}
