// The open case: its heading, who the client is, a call-back's call (the number, the window, each try),
// the pre-question answers and routing reason, earlier red flags of the same visit, what I may do with it,
// and the ready replies.
import { $, h, show, announce } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { clockText } from "../shared/time.js";
import { state, currentCase, currentHandledCase } from "./state.js";
import { views } from "./render.js";
import { queueName, urgencyLabel, subjectKindLabel, subjectText, caseServiceTitle, numberText, caseLabel, callWindowText, telHref,
  errorText } from "./words.js";
import { showAlert } from "./signal.js";
import { scheduleCallBackRefresh } from "./queue-feed.js";
import { dropCase } from "./cases.js";

function renderCase() {
  const c = currentCase();
  const hasCase = !!(c && c.view);
  $("workspace").classList.toggle("no-case", !hasCase);
  show($("case-empty"), !hasCase);
  show($("case-view"), hasCase);
  show($("notes-panel"), hasCase);
  if (!hasCase) {
    if (state.rendered) { state.rendered = null; $("message-input").value = ""; $("note-input").value = ""; }
    return;
  }
  const v = c.view;
  const conv = v.conversation;
  const handler = v.access === "handler";
  $("case-heading").textContent = `${caseServiceTitle(v)} – ${subjectText(conv.subject)}`;
  const badge = $("case-urgency");
  badge.className = `badge urgency-${conv.urgency}`;
  badge.textContent = urgencyLabel(conv.urgency);
  const status = $("case-status");
  status.hidden = !c.closed;
  status.textContent = t("caseClosedStatus");

  const who = v.residentIdentity;
  $("case-meta").replaceChildren(...[
    who ? h("span", { class: who.method === "demo" ? "tag" : "tag ok" },
      t(who.method === "demo" ? "identityDemo" : "identityProxy", { name: who.name || "", code: who.personalIdentityCode })
        .replace(/\s{2,}/g, " ")) : null,
    h("span", {}, subjectKindLabel(conv.subject && conv.subject.kind)),
    h("span", {}, queueName(conv.queueId)),
    conv.queuedAt ? h("span", {}, `${t("queuedAt")} ${clockText(conv.queuedAt)}`) : null,
    v.access === "consultant" ? h("span", { class: "tag" }, t("consultantBadge")) : null].filter(Boolean));

  const answers = (v.answers || []).map((a) => ({ question: a.question, shown: shownInLocale(a) }));
  $("answers-list").replaceChildren(...answers.map((a) =>
    h("div", { class: "answer" }, h("dt", {}, a.question), h("dd", {}, a.shown))));
  $("answers-gist").textContent = answers.map((a) => a.shown).join(" · ");
  // Open while the case has no conversation yet (the answers are what there is to read), then folded;
  // what the professional chose stays with the case.
  if (c.answersOpen === undefined) c.answersOpen = c.messages.size === 0 && c.photos.size === 0;
  $("prequestions").open = c.answersOpen;
  $("routing-reason").textContent = v.routingReason || "–";
  const flags = v.earlierRedFlags || [];
  show($("earlier-redflags"), flags.length > 0);
  $("earlier-redflags-list").replaceChildren(...flags.map((f) =>
    h("li", {}, [clockText(f.at), f.service, f.message || f.redFlag].filter(Boolean).join(" – "))));

  const canWrite = handler && !c.closed;
  show($("message-form"), canWrite);
  show($("consultant-hint"), !handler);
  for (const id of ["transfer-button", "consult-button", "close-button"]) $(id).disabled = !canWrite;
  show($("case-actions"), handler);
  const canned = v.cannedReplies || [];
  show($("canned-box"), canWrite && canned.length > 0);
  const cannedList = $("canned-list");
  if (cannedList.dataset.texts !== JSON.stringify(canned)) {
    cannedList.dataset.texts = JSON.stringify(canned);
    cannedList.replaceChildren(...canned.map((text) =>
      h("button", { type: "button", class: "button small canned-button", onclick: () => insertCanned(text) }, text)));
  }
  // The text boxes keep what is being typed; drafts change only with the case.
  if (state.rendered !== c.id) {
    state.rendered = c.id;
    $("message-input").value = c.draft || "";
    $("note-input").value = c.noteDraft || "";
    $("photo-error").textContent = "";
    $("photo-error").hidden = true;
  }
  views.messages(c);
  views.notes(c);
  renderCallPanel();
}

// A call-back I picked: the number as a link that dials it, the window, the tries so far and what each came
// to. Reached, it stays to say what is left: closing the case as a chat is closed.
function renderCallPanel() {
  const c = currentHandledCase();
  const cb = c && c.callBack;
  const shown = !!cb && (cb.status === "picked" || cb.status === "reached");
  show($("call-panel"), shown);
  if (!shown) return;
  const link = $("call-phone");
  link.textContent = cb.phone || "–"; // no number after retention
  if (cb.phone) link.href = telHref(cb.phone); else link.removeAttribute("href");
  $("call-window").textContent = callWindowText(cb.window);
  $("call-attempts").textContent = numberText(cb.attempts || 0) + (cb.maxAttempts ? "/" + numberText(cb.maxAttempts) : "");
  const calling = cb.status === "picked";
  show($("call-buttons"), calling);
  show($("call-hint"), calling);
  const said = !calling ? t("callReachedSaid")
    : cb.attempts ? t("callNoAnswerSaid", { n: numberText(cb.attempts), max: numberText(cb.maxAttempts || cb.attempts) }) : "";
  $("call-status").textContent = said;
  show($("call-status"), !!said);
  if (c.id !== $("call-panel").dataset.caseId) { $("call-panel").dataset.caseId = c.id; $("call-error").hidden = true; }
}

// One try: reached (the case is then closed like a chat), no answer (again later, until the queue's tries
// are used) or a wrong number. The last unanswered try or a wrong number ends the matter as not reached.
let recording = false;
async function recordAttempt(result) {
  const c = currentHandledCase();
  const cb = c && c.callBack;
  if (!cb || cb.status !== "picked" || recording) return;
  recording = true;
  $("call-buttons").setAttribute("aria-busy", "true");
  const r = await request("POST", `/api/v1/pro/call-backs/${encodeURIComponent(cb.id)}/attempts`, { result });
  recording = false;
  $("call-buttons").removeAttribute("aria-busy");
  const err = $("call-error");
  err.hidden = true;
  if (r.ok) {
    Object.assign(cb, r.data);
    scheduleCallBackRefresh();
    if (cb.status === "notReached") {
      const text = t("callNotReached", { what: caseLabel(c) });
      c.closed = true;
      dropCase(c.id);
      showAlert(text, "info");
      announce(text);
      $("cb-heading").focus();
      return;
    }
    renderCallPanel();
    if (cb.status === "reached") {
      announce(t("callReachedSaid"));
      $("close-button").focus();
    } else {
      announce($("call-status").textContent);
    }
    return;
  }
  if (r.status === 401) return;
  err.textContent = r.status === 409 && r.code === "call_back_ended" ? t("callEnded") : errorText(r);
  err.hidden = false;
  if (r.status === 409 || r.status === 404) scheduleCallBackRefresh();
}

// A number answer as the page's language writes it (38,2 in Finnish): the server writes "38.2 °C".
function shownInLocale(a) {
  if (typeof a.answer !== "number" || !String(a.shown).startsWith(String(a.answer))) return a.shown;
  return numberText(a.answer, 2) + a.shown.slice(String(a.answer).length);
}

// A ready reply goes in at the caret, with a space before it if needed; the menu folds away.
function insertCanned(text) {
  $("canned-box").open = false;
  const input = $("message-input");
  const start = input.selectionStart ?? input.value.length;
  const end = input.selectionEnd ?? input.value.length;
  const before = input.value.slice(0, start);
  const sep = before && !/\s$/.test(before) ? " " : "";
  input.value = before + sep + text + input.value.slice(end);
  const caret = (before + sep + text).length;
  input.focus();
  input.setSelectionRange(caret, caret);
}

export function startCaseView() {
  views.case = renderCase;
  views.callPanel = renderCallPanel;
  for (const button of document.querySelectorAll("#call-buttons [data-attempt]")) {
    button.addEventListener("click", () => recordAttempt(button.dataset.attempt));
  }
  $("prequestions").addEventListener("toggle", () => { const c = currentCase(); if (c) c.answersOpen = $("prequestions").open; });
  // Esc folds the ready replies back into their button.
  $("canned-box").addEventListener("keydown", (e) => {
    if (e.key === "Escape" && $("canned-box").open) { e.preventDefault(); e.stopPropagation(); $("canned-box").open = false; $("canned-label").focus(); }
  });
}
