// My cases as data: reading a case (audited on the server), opening one, letting one go, and merging
// messages, notes and photos from the case view, the stream or a POST answer (deduplicated by id and
// clientId).
import { $, announce } from "../shared/dom.js";
import { t, lang } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { state, caseRecord, saveCaseIds, eventCaseId } from "./state.js";
import { views } from "./render.js";
import { caseLabel } from "./words.js";
import { startBlink } from "./signal.js";
import { mergeCallBack } from "./call-feed.js";

export function dropCase(id) {
  state.dropped.add(id);
  state.cases.delete(id);
  state.order = state.order.filter((x) => x !== id);
  saveCaseIds();
  if (state.current === id) {
    state.current = null;
    const next = state.order[0];
    if (next) openCase(next, { focus: false }); else views.case();
  }
  views.mine();
}

export async function reloadCase(id, { live = false } = {}) {
  const c = state.cases.get(id);
  if (!c) return;
  if (c.loading) {
    // The read in flight may predate what made us ask: read once more after it.
    c.again = c.again || { live };
    return c.loading;
  }
  const generation = state.generation;
  c.loading = (async () => {
    const r = await request("GET", `/api/v1/pro/cases/${encodeURIComponent(id)}?lang=${lang}`);
    c.loading = null;
    if (generation !== state.generation) return;
    if (c.again) { const again = c.again; c.again = null; setTimeout(() => reloadCase(id, again), 0); }
    if (!r.status) { c.stale = true; return; }
    if (r.status === 404) { announce(t("caseGone")); dropCase(id); return; }
    if (!r.ok) { c.stale = true; return; }
    c.stale = false;
    const first = !c.view;
    if (first && r.data.conversation && r.data.conversation.status !== "active") {
      // Remembered from an earlier visit but finished since: not mine to show.
      dropCase(id);
      return;
    }
    c.view = r.data;
    // A matter that became a call-back: the call I make, from the server (also after a reload of the page).
    if (r.data.callBack && r.data.access === "handler") mergeCallBack(c, r.data.callBack);
    for (const m of r.data.messages || []) mergeMessage(c, m, live && !first);
    for (const n of r.data.notes || []) mergeNote(c, n);
    if (Array.isArray(r.data.photos)) {
      for (const p of r.data.photos) mergePhoto(c, p, false);
      c.photosKnown = true;
    } else if (!c.photosKnown) {
      requestPhotoScan();
    }
    if (r.data.conversation.status !== "active") c.closed = true;
    if (state.current === id) views.case();
    views.mine();
  })();
  return c.loading;
}

export async function openCase(id, { focus = true, reload = false } = {}) {
  const c = caseRecord(id);
  if (state.current && state.current !== id) saveDrafts();
  state.current = id;
  c.unread = 0;
  views.mine();
  if (!c.view || reload || c.stale) await reloadCase(id);
  if (state.current !== id) return;
  views.case();
  views.mine();
  if (focus && state.cases.has(id)) {
    const input = $("message-input");
    if (!$("message-form").hidden && !c.closed) input.focus(); else $("case-heading").focus();
  }
}

// What was typed for the case shown stays with it while another is open.
function saveDrafts() {
  const c = state.rendered && state.cases.get(state.rendered);
  if (!c) return;
  c.draft = $("message-input").value;
  c.noteDraft = $("note-input").value;
}

// Said, counted as unread and signalled in the title: news from the client in a case not in view.
function newsFromClient(c, key) {
  if (state.current !== c.id || document.visibilityState !== "visible") c.unread++;
  if (state.current !== c.id) announce(t(key, { what: caseLabel(c) }));
  if (document.visibilityState !== "visible") startBlink(t("newMessageTitle"));
}

// Merges one message; true if it was new.
export function mergeMessage(c, m, live) {
  if (!m || !m.id) return false;
  if (m.clientId && c.pending.has(m.clientId)) {
    const p = c.pending.get(m.clientId);
    p.done = true;
    c.pending.delete(m.clientId);
  }
  if (c.messages.has(m.id)) return false;
  c.messages.set(m.id, m);
  if (live && m.author === "resident") newsFromClient(c, "newMessageIn");
  return true;
}

export function mergeNote(c, n) {
  if (!n || !n.id) return false;
  if (c.notes.has(n.id)) return false;
  c.notes.set(n.id, n);
  return true;
}

// Merges one photo; true if the timeline changed.
export function mergePhoto(c, p, live) {
  if (!p || !p.id) return false;
  const known = c.photos.get(p.id);
  if (known) {
    let changed = false;
    // A POST answer has no place in the log; the stream's copy gives it one.
    if (known.seq == null && p.seq != null) { known.seq = p.seq; changed = true; }
    if (p.mine && !known.mine) { known.mine = true; changed = true; }
    return changed;
  }
  c.photos.set(p.id, Object.assign({ kind: "photo" }, p));
  if (live && p.author === "resident") newsFromClient(c, "newPhotoIn");
  return true;
}

export function photoFromEvent(ev) {
  const data = ev.data || {};
  return Object.assign({}, data, { seq: ev.seq, at: data.at || ev.at });
}

// The case view does not list photos (yet): they are found in the history of
// the professional's stream. One pass from the start serves every case that
// still needs it; the live stream brings anything after its cursor.
const PHOTO_SCAN_PAGES = 25;
let photoScan = null;
let photoScanAgain = false;
function requestPhotoScan() {
  if (photoScan) { photoScanAgain = true; return photoScan; }
  const waiting = [...state.cases.values()].filter((c) => !c.photosKnown).map((c) => c.id);
  if (!waiting.length) return Promise.resolve();
  const generation = state.generation;
  const stopAt = state.cursor;
  photoScan = (async () => {
    let after = 0;
    let done = false;
    for (let page = 0; page < PHOTO_SCAN_PAGES && !done; page++) {
      const r = await request("GET", `/api/v1/pro/events?after=${after}`);
      if (generation !== state.generation) return;
      if (!r.ok || !r.data) return; // tried again on the next reading of the case
      const events = r.data.events || [];
      const touched = new Set();
      for (const ev of events) {
        if (ev.type !== "photo") continue;
        const c = state.cases.get(eventCaseId(ev));
        if (c && mergePhoto(c, photoFromEvent(ev), false)) touched.add(c.id);
      }
      const current = state.current && state.cases.get(state.current);
      if (current && touched.has(current.id) && current.view) views.messages(current);
      const next = typeof r.data.next === "number" ? r.data.next : after;
      done = !events.length || next <= after || next >= stopAt;
      after = next;
    }
    // Also after the page cap: scanning again would not get further.
    for (const id of waiting) { const c = state.cases.get(id); if (c) c.photosKnown = true; }
  })().finally(() => {
    photoScan = null;
    if (photoScanAgain) { photoScanAgain = false; requestPhotoScan(); }
  });
  return photoScan;
}
