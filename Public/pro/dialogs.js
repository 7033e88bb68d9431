// The case's dialogs: closing it (outcome, instructions for the client, the record summary), passing it
// on (to a queue or a colleague) and asking a colleague to consult.
import { $, h, announce } from "../shared/dom.js";
import { t, localized } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { state, currentHandledCase } from "./state.js";
import { caseLabel, errorText, nameAndTitle } from "./words.js";
import { showAlert } from "./signal.js";
import { openDialog, returnFocusTo } from "./modal.js";
import { scheduleQueueRefresh } from "./queue-feed.js";
import { scheduleCallBackRefresh } from "./call-feed.js";
import { dropCase } from "./cases.js";

// What the dialogs add (dialog-more.js: the current queue, shifts, the note, the summary's additions), loaded
// when one first opens; without it (a failed load) the dialogs still work as they are.
let morePart = null;
const loadMore = () => (morePart ||= import("./dialog-more.js").catch(() => { morePart = null; return null; }));

export function openCloseDialog() {
  const c = currentHandledCase();
  if (!c) return;
  returnFocusTo(document.activeElement);
  const form = $("close-form");
  if (form.dataset.caseId !== c.id) {
    form.reset();
    $("close-summary").value = c.view.summaryDraft || "";
    form.dataset.caseId = c.id;
  }
  $("close-error").hidden = true;
  loadMore().then((more) => more?.fillClose(c, currentHandledCase));
  openDialog($("close-dialog"));
  const checked = form.querySelector("input[name=outcome]:checked");
  (checked || form.querySelector("input[name=outcome]")).focus();
}

async function closeCase(e) {
  e.preventDefault();
  const c = currentHandledCase();
  const err = $("close-error");
  if (!c) { $("close-dialog").close(); return; }
  const outcome = (e.target.querySelector("input[name=outcome]:checked") || {}).value;
  const instructions = $("close-instructions").value.trim();
  const summary = $("close-summary").value.trim();
  const problem = !outcome ? ["chooseOutcome", e.target.querySelector("input[name=outcome]")]
    : !instructions ? ["instructionsRequired", $("close-instructions")]
    : !summary ? ["summaryRequired", $("close-summary")] : null;
  if (problem) {
    err.textContent = t(problem[0]);
    err.hidden = false;
    problem[1].focus();
    return;
  }
  err.hidden = true;
  const button = $("close-submit");
  button.disabled = true;
  const more = await loadMore();
  const r = await request("POST", `/api/v1/pro/cases/${encodeURIComponent(c.id)}/close`, { outcome, instructions, summary, ...more?.closeExtra() });
  button.disabled = false;
  if (r.ok) {
    e.target.reset();
    delete e.target.dataset.caseId;
    caseLeft(c, "close-dialog", "closed");
    return;
  }
  if (more?.closeRefused(r)) return;
  err.textContent = errorText(r);
  err.hidden = false;
}

// The case is no longer mine (closed or passed on): said, shown, and focus goes on with the next one.
function caseLeft(c, dialogId, key) {
  const label = caseLabel(c);
  returnFocusTo(null);
  $(dialogId).close();
  dropCase(c.id);
  if (key === "transferred") scheduleQueueRefresh();
  // A call-back's call goes with its case (to the colleague, or ends with it): the call list changed.
  if (c.callBack) scheduleCallBackRefresh();
  announce(t(key, { what: label }));
  showAlert(t(key, { what: label }), "ok");
  if (state.current && !$("message-form").hidden) $("message-input").focus();
  else $("pick-next").focus();
}

export async function loadColleagues() {
  const r = await request("GET", "/api/v1/pro/colleagues");
  if (r.ok) state.colleagues = r.data.professionals || [];
}

function choice(name, value, label, id) {
  return h("div", { class: "radio-row" },
    h("input", { type: "radio", name, value, id }), h("label", { for: id }, label));
}
function colleagueChoices(name, value, idPrefix) {
  const colleagues = state.colleagues;
  return colleagues.length
    ? colleagues.map((p) => choice(name, value(p), nameAndTitle(p), idPrefix + p.id))
    : [h("p", { class: "muted" }, t("noColleagues"))];
}
// Opens a dialog with a fresh list of colleagues; `fill` puts in the choices.
async function openChoiceDialog(dialogId, fill) {
  const c = currentHandledCase();
  if (!c) return;
  returnFocusTo(document.activeElement);
  const [more] = await Promise.all([loadMore(), loadColleagues()]);
  fill(more, c);
  $(dialogId.replace("-dialog", "-error")).hidden = true;
  openDialog($(dialogId));
  const first = $(dialogId).querySelector("input");
  if (first) first.focus();
}

export function openTransferDialog() {
  return openChoiceDialog("transfer-dialog", (more, c) => {
    const queues = (state.catalog && state.catalog.queues) || [];
    $("transfer-queues").replaceChildren(...queues.map((q) => choice("target", "q:" + q.id, localized(q.name), "tq-" + q.id)));
    $("transfer-colleagues").replaceChildren(...colleagueChoices("target", (p) => "p:" + p.id, "tp-"));
    more?.fillTransfer(c);
  });
}

// A choice dialog's submit: the chosen radio button `name` is posted as `action` on the open case.
async function submitChoice(e, { dialogId, name, missingKey, action, body, done }) {
  e.preventDefault();
  const c = currentHandledCase();
  if (!c) { $(dialogId).close(); return; }
  const picked = (e.target.querySelector(`input[name=${name}]:checked`) || {}).value;
  const err = $(dialogId.replace("-dialog", "-error"));
  if (!picked) { err.textContent = t(missingKey); err.hidden = false; return; }
  const r = await request("POST", `/api/v1/pro/cases/${encodeURIComponent(c.id)}/${action}`, body(picked));
  if (r.ok) { done(c, picked); return; }
  err.textContent = errorText(r);
  err.hidden = false;
}

const transferCase = (e) => submitChoice(e, {
  dialogId: "transfer-dialog", name: "target", missingKey: "chooseTarget", action: "transfer",
  body: (picked) => {
    const note = morePart && $("transfer-note") ? $("transfer-note").value.trim() : "";
    return Object.assign(picked.startsWith("q:") ? { queueId: picked.slice(2) } : { professionalId: Number(picked.slice(2)) },
      note ? { note } : {});
  },
  done: (c) => { if ($("transfer-note")) $("transfer-note").value = ""; caseLeft(c, "transfer-dialog", "transferred"); },
});

export function openConsultDialog() {
  return openChoiceDialog("consult-dialog", (more) => {
    $("consult-colleagues").replaceChildren(...colleagueChoices("colleague", (p) => String(p.id), "cp-"));
    more?.fillConsult();
  });
}

const askConsultation = (e) => submitChoice(e, {
  dialogId: "consult-dialog", name: "colleague", missingKey: "chooseColleague", action: "consult",
  body: (picked) => ({ professionalId: Number(picked) }),
  done: (c, picked) => {
    const who = (state.colleagues.find((p) => String(p.id) === picked) || {}).displayName || "";
    $("consult-dialog").close();
    announce(t("consulted", { who }));
    showAlert(t("consulted", { who }), "ok");
  },
});

export function startCaseDialogs() {
  $("close-form").addEventListener("submit", closeCase);
  $("transfer-form").addEventListener("submit", transferCase);
  $("consult-form").addEventListener("submit", askConsultation);
  $("close-button").addEventListener("click", openCloseDialog);
  $("transfer-button").addEventListener("click", openTransferDialog);
  $("consult-button").addEventListener("click", openConsultDialog);
}
