// Writing in the open case: a message to the client (sent again with the same clientId until the
// server has it, so nothing is sent twice) and internal notes.
import { $, announce } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { request, serverNow } from "../shared/api.js";
import { newClientId } from "../shared/ids.js";
import { sleep } from "../shared/time.js";
import { state, currentCase } from "./state.js";
import { views } from "./render.js";
import { errorText } from "./words.js";
import { showAlert } from "./signal.js";
import { reloadCase, mergeMessage, mergeNote } from "./cases.js";

function sendMessage() {
  const c = currentCase();
  const input = $("message-input");
  const text = input.value.trim();
  if (!c || !text || c.closed) return;
  input.value = "";
  c.draft = "";
  const pending = { clientId: newClientId(), text, author: "professional", pending: true, at: new Date(serverNow()).toISOString() };
  c.pending.set(pending.clientId, pending);
  views.messages(c);
  deliverMessage(c, pending);
}

async function deliverMessage(c, pending) {
  const generation = state.generation;
  let delay = 1000;
  for (;;) {
    if (generation !== state.generation || pending.done) return;
    const r = await request("POST", `/api/v1/pro/cases/${encodeURIComponent(c.id)}/messages`, { clientId: pending.clientId, text: pending.text });
    if (pending.done && !r.status) return;
    if (r.ok) {
      mergeMessage(c, r.data, false);
      if (state.current === c.id) views.messages(c);
      return;
    }
    if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) {
      pending.failed = r.message || r.code || String(r.status);
      if (state.current === c.id) {
        views.messages(c);
        // Give the text back so nothing typed is lost.
        const input = $("message-input");
        if (!input.value) input.value = pending.text;
      }
      if (r.status === 409) reloadCase(c.id);
      return;
    }
    pending.retrying = true;
    if (state.current === c.id) views.messages(c);
    await sleep(delay);
    delay = Math.min(delay * 2, 15000);
  }
}

async function addNote() {
  const c = currentCase();
  const input = $("note-input");
  const text = input.value.trim();
  if (!c || !text) return;
  const clientId = newClientId();
  const button = $("note-button");
  button.disabled = true;
  let r = null;
  // Tried again only when the server was not reached; the clientId makes a repeat harmless.
  for (let attempt = 0; attempt < 4; attempt++) {
    r = await request("POST", `/api/v1/pro/cases/${encodeURIComponent(c.id)}/notes`, { clientId, text });
    if (r.status) break;
    await sleep(1000 * (attempt + 1));
  }
  button.disabled = false;
  if (r.ok) {
    input.value = "";
    c.noteDraft = "";
    const note = Object.assign({ professional: state.me ? { displayName: state.me.displayName, title: state.me.title } : null }, r.data);
    if (!note.professional || !note.professional.displayName) {
      note.professional = { displayName: state.me.displayName, title: state.me.title };
    }
    mergeNote(c, note);
    if (state.current === c.id) views.notes(c);
    announce(t("noteAdded"));
  } else if (r.status !== 401) {
    showAlert(errorText(r));
  }
}

export function startCompose() {
  $("message-form").addEventListener("submit", (e) => { e.preventDefault(); sendMessage(); });
  $("note-form").addEventListener("submit", (e) => { e.preventDefault(); addNote(); });
  // Ctrl+Enter (Cmd+Enter) sends from either box.
  for (const [id, send] of [["message-input", sendMessage], ["note-input", addNote]]) {
    $(id).addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); }
    });
  }
}
