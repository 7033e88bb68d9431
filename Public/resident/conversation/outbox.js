// Sending chat messages, idempotently: each has a clientId and is sent again until the server has it
// (a retry of a message that did arrive is answered with the stored one). While it cannot be sent it
// shows as not sent, and it is kept in localStorage for a reload.
import { $, announce } from "../../shared/dom.js";
import { t } from "../../shared/i18n.js";
import { request } from "../../shared/api.js";
import { newClientId } from "../../shared/ids.js";
import { sleepUntilOnline } from "../../shared/time.js";
import { store } from "../../shared/storage.js";
import { S, KEY_OUTBOX } from "../state.js";
import { views } from "../render.js";
import { showError, markInvalid, serverErrorText } from "../errors.js";

function saveOutbox() { store(KEY_OUTBOX, S.outbox.length ? JSON.stringify(S.outbox.map(({ conv, clientId, text }) => ({ conv, clientId, text }))) : null); }

export function dropFromOutbox(clientId) {
  const n = S.outbox.length;
  S.outbox = S.outbox.filter((p) => p.clientId !== clientId);
  if (S.outbox.length !== n) saveOutbox();
}

export function sendChat(e) {
  e.preventDefault();
  const ta = $("chat-text"), text = ta.value;
  showError("err-chat", "");
  markInvalid(ta, "err-chat", false);
  if (!text.trim()) { showError("err-chat", "emptyMsg"); markInvalid(ta, "err-chat", true); ta.focus(); return; }
  const item = { conv: S.conv.id, clientId: newClientId(), text };
  S.sentHere.add(item.clientId);
  S.outbox.push(item);
  saveOutbox();
  ta.value = "";
  S.justSent = true;
  views.messages();
  deliver(item);
}

export async function deliver(item) {
  if (item.delivering) return;
  item.delivering = true;
  let delay = 1000;
  while (S.outbox.includes(item)) {
    const r = await request("POST", `/api/v1/conversations/${item.conv}/messages`, { clientId: item.clientId, text: item.text });
    if (r.ok) {
      if (S.conv?.id === item.conv) S.messages.set(r.data.id, { ...r.data, at: r.data.at });
      dropFromOutbox(item.clientId);
      views.messages();
      if (item.waiting) announce(t("announceSentLater"));
      return;
    }
    if (!r.status && !item.waiting) { item.waiting = true; views.messages(); announce(t("announceWaiting")); }
    // Refused for good (not a busy or failing server): shown as not sent, with the reason.
    if (r.status && r.status < 500 && r.status !== 429) {
      item.error = serverErrorText(r);
      S.outbox = S.outbox.filter((p) => p !== item);
      saveOutbox();
      S.failed.push(item);
      views.messages();
      return;
    }
    await sleepUntilOnline(delay);
    delay = Math.min(delay * 2, 5000);
  }
}
