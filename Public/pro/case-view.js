// The open case: its heading, who the client is, the pre-question answers and routing reason, earlier red
// flags of the same visit, what I may do with it, and the ready replies. (A call-back's call at its top is
// call-panel.js, loaded when first needed, and a child's identity code and birth date child-identity.js.)
import { $, h, show } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { clockText } from "../shared/time.js";
import { state, currentCase } from "./state.js";
import { views } from "./render.js";
import { queueName, urgencyLabel, subjectKindLabel, subjectText, caseServiceTitle, numberText } from "./words.js";

let childIdentity = null, identityPart = null;

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

  const who = v.residentIdentity, s = conv.subject;
  const child = s?.kind === "child" && (s.identityCode || s.birthDate);
  if (child && !childIdentity) identityPart ||= import("./child-identity.js").then((m) => { childIdentity = m.childIdentity; views.case(); }, () => { identityPart = null; });
  $("case-meta").replaceChildren(...[
    who ? h("span", { class: who.method === "demo" ? "tag" : "tag ok" },
      t(who.method === "demo" ? "identityDemo" : "identityProxy", { name: who.name || "", code: who.personalIdentityCode })
        .replace(/\s{2,}/g, " ")) : null,
    h("span", {}, subjectKindLabel(s && s.kind)),
    child && childIdentity ? childIdentity(s) : null,
    h("span", {}, queueName(conv.queueId)),
    conv.queuedAt ? h("span", {}, `${t("queuedAt")} ${clockText(conv.queuedAt)}`) : null,
    conv.language ? h("span", { class: "tag", id: "case-lang" }, t("residentLang", { l: t("l" + conv.language) })) : null,
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
  views.callPanel();
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
  $("prequestions").addEventListener("toggle", () => { const c = currentCase(); if (c) c.answersOpen = $("prequestions").open; });
  // Esc folds the ready replies back into their button.
  $("canned-box").addEventListener("keydown", (e) => {
    if (e.key === "Escape" && $("canned-box").open) { e.preventDefault(); e.stopPropagation(); $("canned-box").open = false; $("canned-label").focus(); }
  });
}
