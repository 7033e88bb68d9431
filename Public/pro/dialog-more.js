// What the case dialogs add, loaded when one first opens: the case's
// current queue is marked, each colleague says where they are on shift now, a transfer can carry an
// internal note for the receiver (posted as `note`, saved as the case's note in the same step), and closing
// can name Kanta's service event (palvelutapahtuman tunniste, posted as `serviceEvent`), checked by the server.
import { $, h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { STRINGS } from "./strings.js";
import { state } from "./state.js";
import { queueName } from "./words.js";
import { DIALOG_STRINGS } from "./dialog-strings.js";

// " – on shift: Nurse, Dental" after each colleague's name (their radio's value ends with their id).
function markShifts(listId) {
  for (const input of $(listId).querySelectorAll("input[type=radio]")) {
    const id = Number(input.value.replace(/^p:/, ""));
    const p = state.colleagues.find((x) => x.id === id);
    const label = input.parentNode.querySelector("label");
    if (!p || !label) continue;
    const on = p.onShift || [];
    label.append(h("span", { class: on.length ? "dm-shift on" : "dm-shift" },
      ` – ${on.length ? t("dmOnShift", { queues: on.map(queueName).join(", ") }) : t("dmOffShift")}`));
  }
}

// The note field, made once, emptied when the dialog opens on another case.
function noteField(c) {
  let input = $("transfer-note");
  if (!input) {
    input = h("textarea", { id: "transfer-note", rows: "3", maxlength: "2000", "aria-describedby": "transfer-note-hint" });
    $("transfer-error").before(h("div", { class: "field" },
      h("label", { for: "transfer-note", dataset: { i18n: "dmNote" } }, t("dmNote")),
      h("p", { id: "transfer-note-hint", class: "hint", dataset: { i18n: "dmNoteHint" } }, t("dmNoteHint")),
      input));
  }
  for (const node of input.parentNode.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  if (input.dataset.caseId !== c.id) { input.value = ""; input.dataset.caseId = c.id; }
}

export function fillTransfer(c) {
  const current = c.view && c.view.conversation && c.view.conversation.queueId;
  const input = current && $("tq-" + current);
  if (input) {
    input.parentNode.querySelector("label").append(h("span", { class: "dm-current" }, " " + t("dmCurrent")));
    input.parentNode.classList.add("current-queue");
  }
  markShifts("transfer-colleagues");
  noteField(c);
}

export function fillConsult() {
  markShifts("consult-colleagues");
}

// The close dialog's summary takes, on request, the consultant's latest note (a note not mine) and the last
// messages, added at its end.
const LAST_MESSAGES = 4;
function consultantNote(c) {
  const notes = [...c.notes.values()].filter((n) => n.professional && state.me && n.professional.id !== state.me.id);
  notes.sort((a, b) => String(a.at || "").localeCompare(String(b.at || "")));
  const n = notes[notes.length - 1];
  return n ? `${t("dmConsultNote")} (${n.professional.displayName}): ${n.text}` : "";
}
function lastMessages(c) {
  const messages = [...c.messages.values()].filter((m) => m.text);
  messages.sort((a, b) => (a.seq || 0) - (b.seq || 0) || String(a.at || "").localeCompare(String(b.at || "")));
  return messages.slice(-LAST_MESSAGES)
    .map((m) => `${m.author === "professional" ? t("professional") : t("client")}: ${m.text}`).join("\n");
}
function addToSummary(text) {
  const box = $("close-summary");
  if (!text) return;
  box.value = box.value.trim() ? `${box.value.trimEnd()}\n\n${text}` : text;
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
  box.scrollTop = box.scrollHeight;
  $("close-added").textContent = t("dmAdded");
}

export function fillClose(c, current) {
  if (!$("close-adds")) {
    const add = (id, key, take) => h("button", { type: "button", id, class: "button small", dataset: { i18n: key },
      onclick: () => { const now = current(); if (now) addToSummary(take(now)); } }, t(key));
    $("close-summary").after(h("div", { id: "close-adds", class: "close-adds" },
      add("close-add-note", "dmAddNote", consultantNote), add("close-add-messages", "dmAddMessages", lastMessages),
      h("span", { id: "close-added", class: "hint", role: "status" })));
  }
  for (const node of $("close-adds").querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("close-add-note").hidden = !consultantNote(c);
  $("close-add-messages").hidden = !lastMessages(c);
  $("close-added").textContent = "";
  serviceEventField();
}

// The service event's field, made once inside the close form (so the form's reset empties it).
function serviceEventField() {
  if (!$("close-service-event")) {
    $("close-error").before(h("div", { class: "field" },
      h("label", { for: "close-service-event", dataset: { i18n: "dmServiceEvent" } }, t("dmServiceEvent")),
      h("p", { id: "close-service-event-hint", class: "hint", dataset: { i18n: "dmServiceEventHint" } }, t("dmServiceEventHint")),
      h("p", { id: "close-service-event-error", class: "form-error", hidden: true }),
      h("input", { id: "close-service-event", type: "text", maxlength: "200", autocomplete: "off", spellcheck: "false",
        "aria-describedby": "close-service-event-hint" })));
  }
  showServiceEventError(null);
}
function showServiceEventError(key) {
  const input = $("close-service-event"), err = $("close-service-event-error");
  err.hidden = !key;
  if (key) { err.dataset.i18n = key; err.textContent = t(key); } else { delete err.dataset.i18n; err.textContent = ""; }
  input.setAttribute("aria-invalid", String(!!key));
  input.setAttribute("aria-describedby", key ? "close-service-event-error close-service-event-hint" : "close-service-event-hint");
}

// What closing sends besides the outcome and texts: the service event, if one is typed.
export function closeExtra() {
  const input = $("close-service-event");
  if (!input) return {};
  showServiceEventError(null);
  const serviceEvent = input.value.trim();
  return serviceEvent ? { serviceEvent } : {};
}
// A refused service event is said at its field, the text kept; true if that was the refusal.
export function closeRefused(r) {
  if (r.code !== "invalid_serviceEvent" || !$("close-service-event")) return false;
  showServiceEventError("dmServiceEventInvalid");
  $("close-service-event").focus();
  return true;
}

for (const [l, table] of Object.entries(DIALOG_STRINGS)) Object.assign(STRINGS[l], table);
