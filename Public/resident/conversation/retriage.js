// "My condition has changed": while the matter waits in a queue, the resident answers the service's pre-questions
// again, on the questions step (questions.js draws and checks them, prefilled with the earlier answers, and hands
// the checked answers to S.retriage) and they go to …/retriage. A red flag ends the wait with the 112/116117
// guidance; otherwise the new urgency and place in the queue show on the status card and are announced.
// main.js loads this module once a matter waits; its texts join the page's table here. After a reload the earlier
// answers come from the conversation (GET …/conversations/{id} returns the resident's own answers).
import { $, h, announce } from "../../shared/dom.js";
import { t, localized } from "../../shared/i18n.js";
import { request, failure } from "../../shared/api.js";
import { S, clearDrafts } from "../state.js";
import { STRINGS } from "../strings.js";
import { go, views } from "../render.js";
import { showError, showServerError } from "../errors.js";
import { RETRIAGE_STRINGS } from "./retriage-strings.js";

const say = (tag, key, attrs) => h(tag, { ...attrs, dataset: { t: key }, text: t(key) });
let opening = false, prefilled = false;

function build() {
  $("conv-target").after(h("div", { id: "retriage", class: "retriage", hidden: true },
    h("p", { id: "rg-done", class: "transfer", hidden: true }),
    h("p", { id: "rg-msg", class: "transfer", hidden: true }),
    h("p", { class: "error", id: "err-rg", role: "alert", hidden: true }),
    h("div", { class: "actions tight" }, say("button", "rgOpen", { type: "button", id: "rg-open", class: "secondary", onclick: open }))));
  $("questions-form").before(h("p", { id: "rg-note", class: "transfer", hidden: true }));
}

// The status card's part: the button while waiting, what answering again came to, or why it could not be done.
function render() {
  const c = S.conv, queued = c?.status === "queued" && !c.picked; // not once passed on after a pick
  if (S.retriage && S.step === "conversation") stop();
  $("retriage").hidden = !(queued || c?.rgMsg);
  $("rg-open").hidden = !queued;
  const done = queued && c.retriaged && c.urgency ? t("rgDone", { u: t("rgLevels")[c.urgency] }) : "";
  $("rg-done").textContent = done;
  $("rg-done").hidden = !done;
  $("rg-msg").textContent = c?.rgMsg ? t(c.rgMsg) : "";
  $("rg-msg").hidden = !c?.rgMsg;
}

function stop() {
  S.retriage = null;
  clearDrafts();
}

// The service's questions again: which service and whose matter from the server (the page may have been reloaded).
async function open() {
  const c = S.conv;
  if (opening || !c) return;
  opening = true;
  showError("err-rg", "");
  const r = await request("GET", "/api/v1/conversations/" + encodeURIComponent(c.id));
  opening = false;
  if (S.conv !== c) return;
  if (!r.ok) { showServerError("err-rg", r); return; }
  const svc = findService(S.catalog?.services || [], r.data.serviceId);
  if (!svc) { showServerError("err-rg", { status: 503, code: "no_catalog" }); return; }
  if (!(S.service === svc && Object.keys(S.answers).length)) {
    S.service = svc;
    S.answers = fromServer(svc, r.data.answers || {});
  }
  prefilled = Object.keys(S.answers).length > 0;
  const subject = { ...(r.data.subject || c.subject || {}) };
  if (subject.kind === "child") subject.months = subject.ageMonths ?? S.subject?.months;
  S.subject = S.subject && S.subject.kind === subject.kind ? S.subject : subject;
  S.retriage = send;
  go("questions");
}
// The server's answers in the form's terms: yes/no as "yes"/"no", numbers as text; photos are not asked again.
function fromServer(svc, given) {
  const out = {};
  for (const q of svc.questions || []) {
    const v = given[q.id];
    if (v == null || q.type === "photo") continue;
    out[q.id] = q.type === "yesNo" && typeof v === "boolean" ? (v ? "yes" : "no") : q.type === "number" ? String(v) : v;
  }
  return out;
}
function findService(nodes, id) {
  for (const n of nodes) {
    if (n.id === id) return n;
    const found = findService(n.children || [], id);
    if (found) return found;
  }
  return null;
}

// The checked answers (questions.js calls this in place of the first sending): a refused answer is thrown back
// for questions.js to show beside its question.
async function send(answers) {
  const c = S.conv;
  const r = await request("POST", `/api/v1/conversations/${encodeURIComponent(c.id)}/retriage`, { answers });
  if (S.conv !== c) return;
  if (r.ok) {
    const d = r.data;
    stop();
    if (d.outcome === "redFlag") {
      Object.assign(c, { status: "closed", redFlag: { action: d.action, message: d.message, whileWaiting: true } });
      go("redflag");
      return;
    }
    Object.assign(c, { status: "queued", queue: d.queue, position: d.position, urgency: d.urgency, retriaged: true, rgMsg: null });
    go("conversation");
    announce($("rg-done").textContent);
    if (d.position) announce(t("position", { n: d.position }));
    return;
  }
  if (r.code === "not_waiting") {
    stop();
    c.rgMsg = "rgNotWaiting";
    go("conversation");
    announce(t("rgNotWaiting"));
    return;
  }
  throw failure(r);
}

export function startRetriage() {
  for (const [l, table] of Object.entries(RETRIAGE_STRINGS)) Object.assign(STRINGS[l], table);
  build();
  // The questions step while answering again: its own heading and note, no photo questions (photos go in the chat).
  const questions = views.questions;
  views.questions = () => {
    questions();
    const on = !!S.retriage;
    $("rg-note").hidden = !on;
    if (!on) return;
    $("h-questions").textContent = t("rgH", { s: localized(S.service.title) });
    $("rg-note").textContent = t(prefilled ? "rgNote" : "rgNoteEmpty");
    for (const q of document.querySelectorAll("#questions .photo-q")) q.closest(".question").remove();
  };
  // Back from the questions while answering again: to the matter, not the service list.
  $("questions-form").addEventListener("click", (e) => {
    if (S.retriage && e.target.id === "questions-back") { e.stopPropagation(); stop(); go("conversation"); }
  }, true);
  const redflag = views.redflag;
  views.redflag = () => {
    redflag();
    const note = document.querySelector("#step-redflag [data-t=redflagNote]");
    note.textContent = t(S.conv?.redFlag?.whileWaiting ? "rgRedflagNote" : "redflagNote");
  };
  const status = views.status;
  views.status = () => { status(); render(); };
  render();
}
