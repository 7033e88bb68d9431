// The open case's timeline (messages and photos in the order they were sent, then what is still
// being sent) and its internal notes.
import { $, h, show } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { clockText } from "../shared/time.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { nameAndTitle, photoUrl, photoAlt } from "./words.js";

// Messages and photos in the order they were sent, then what is still being sent. The server's time
// orders them: the case view lists photos without their place in the event log, so the log's seq
// alone would sink every photo to the bottom after a reload. Within one millisecond, the seq.
function bySent(a, b) {
  const ta = a.at || "\uffff", tb = b.at || "\uffff";
  if (ta !== tb) return ta < tb ? -1 : 1;
  const sa = a.seq ?? Infinity, sb = b.seq ?? Infinity;
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}
function sortedMessages(c) {
  const list = [...c.messages.values(), ...c.photos.values()].sort(bySent);
  for (const p of c.pending.values()) list.push(p);
  for (const p of c.pendingPhotos.values()) list.push(p);
  return list;
}
function timelineKey(m) {
  if (m.kind === "photo") return m.id ? "photo:" + m.id : "photo-pending:" + m.clientId;
  return m.id || "pending:" + m.clientId;
}

// Keeps a list's items in step with `items` by key: existing nodes stay (so a
// screen reader's live region announces only what is really new), new ones
// are inserted in order, gone ones removed. When the list switches to another
// case its live announcements are paused while it is rebuilt.
function renderKeyed(list, owner, items, keyOf, render, update) {
  const switching = list.dataset.owner !== owner;
  if (switching) {
    list.dataset.owner = owner;
    list.setAttribute("aria-live", "off");
    list.replaceChildren();
  }
  const existing = new Map([...list.children].map((li) => [li.dataset.key, li]));
  const keep = new Set();
  let previous = null;
  for (const item of items) {
    const key = keyOf(item);
    keep.add(key);
    let li = existing.get(key);
    if (li && update) update(li, item);
    if (!li) {
      li = render(item);
      li.dataset.key = key;
      const stand = item.replaces ? existing.get(item.replaces) : null;
      if (stand) { stand.replaceWith(li); existing.delete(item.replaces); }
    }
    const inPlace = previous ? previous.nextElementSibling === li : list.firstElementChild === li;
    if (!inPlace) { if (previous) previous.after(li); else list.prepend(li); }
    previous = li;
  }
  for (const [key, li] of existing) if (!keep.has(key)) li.remove();
  if (switching) setTimeout(() => { if (list.dataset.owner === owner) list.setAttribute("aria-live", "polite"); }, 300);
  return switching;
}

function renderMessages(c) {
  const list = $("message-list");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const wanted = sortedMessages(c).map((m) => (m.id && m.clientId
    ? Object.assign({ replaces: (m.kind === "photo" ? "photo-pending:" : "pending:") + m.clientId }, m) : m));
  const render = (m) => (m.kind === "photo" ? renderPhoto(c, m) : renderMessage(m));
  const switching = renderKeyed(list, c.id, wanted, timelineKey, render, (li, m) => {
    if (m.kind === "photo" && !m.pending) {
      const author = li.querySelector(".msg-author");
      const who = photoAuthor(m);
      if (author && author.textContent !== who) author.textContent = who;
      return;
    }
    if (!m.pending) return;
    const status = li.querySelector(".msg-status");
    if (status) status.textContent = m.kind === "photo" ? pendingPhotoStatus(m) : pendingStatus(m);
  });
  show($("chat-empty"), wanted.length === 0);
  if (switching || atBottom || wanted.some((m) => m.pending)) list.scrollTop = list.scrollHeight;
}

function pendingStatus(m) {
  return m.failed ? t("notSent", { reason: m.failed }) : m.retrying ? t("sendFailed") : t("sending");
}
function pendingPhotoStatus(p) {
  return p.retrying ? t("sendFailed") : t("photoSending");
}

function entryMeta(author, at) {
  return h("p", { class: "msg-meta" }, h("span", { class: "msg-author" }, author),
    at ? h("time", { datetime: at }, clockText(at)) : null);
}

function renderMessage(m) {
  const mine = m.author === "professional";
  const who = mine ? (m.professional ? nameAndTitle(m.professional) : (state.me ? nameAndTitle(state.me) : t("you")))
                   : t("client");
  const li = h("li", { class: "msg " + (mine ? "msg-pro" : "msg-resident") + (m.pending ? " pending" : "") },
    entryMeta(who, m.at), h("p", { class: "msg-text" }, m.text));
  if (m.pending) li.append(h("p", { class: "msg-status" }, pendingStatus(m)));
  return li;
}

const THUMB_W = 240, THUMB_H = 180;
// Fits the thumbnail in THUMB_W × THUMB_H; a very small image is enlarged a
// little so that it can be seen and clicked.
function thumbSize(w, hgt) {
  if (!(w > 0 && hgt > 0)) return [THUMB_W, THUMB_H];
  const scale = Math.min(THUMB_W / w, THUMB_H / hgt, Math.max(1, 120 / Math.max(w, hgt)));
  return [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(hgt * scale))];
}
function photoAuthor(p) {
  if (p.author !== "professional") return t("client");
  return p.mine && state.me ? nameAndTitle(state.me) : t("professional");
}

function renderPhoto(c, p) {
  const mine = p.author === "professional";
  const li = h("li", { class: "msg msg-photo " + (mine ? "msg-pro" : "msg-resident") + (p.pending ? " pending" : "") },
    entryMeta(photoAuthor(p), p.at));
  if (p.pending) {
    li.append(h("p", { class: "msg-status" }, pendingPhotoStatus(p)));
    return li;
  }
  const [w, hgt] = thumbSize(p.width, p.height);
  const img = h("img", { class: "photo-thumb-img", src: photoUrl(c.id, p.id), width: w, height: hgt, alt: photoAlt(p), decoding: "async" });
  const button = h("button", { type: "button", class: "photo-thumb", dataset: { photo: p.id } },
    img, h("span", { class: "visually-hidden" }, ` – ${t("openFullSize")}`));
  button.addEventListener("click", () => views.openPhoto(c.id, p.id, button));
  img.addEventListener("error", () => {
    button.replaceWith(h("p", { class: "msg-status" }, t("photoLoadError")));
  }, { once: true });
  li.append(button);
  return li;
}

function renderNotes(c) {
  const list = $("note-list");
  const notes = [...c.notes.values()].sort((a, b) => String(a.at || "").localeCompare(String(b.at || "")));
  renderKeyed(list, c.id, notes, (n) => n.id, (n) => {
    const who = n.professional ? nameAndTitle(n.professional) : (state.me ? state.me.displayName : "");
    return h("li", { class: "note-item" },
      h("p", { class: "note-meta" }, h("span", {}, who), n.at ? h("time", { datetime: n.at }, clockText(n.at)) : null),
      h("p", { class: "note-text" }, n.text));
  });
  show($("notes-empty"), notes.length === 0);
  list.scrollTop = list.scrollHeight;
}

export function startTimeline() {
  views.messages = renderMessages;
  views.notes = renderNotes;
}
