// The workspace's state: one object that the page's modules read and change. Of it only the language,
// the sound setting and the ids of my cases (no health data) are kept in localStorage.
import { store, load } from "../shared/storage.js";

export const LANGS = ["fi", "sv", "en"];
export const LANG_KEY = "neuvo.pro.lang";
export const SOUND_KEY = "neuvo.pro.sound";
const CASES_KEY = "neuvo.pro.cases.";

const emptyAdmin = () => ({ professionals: [], queues: [], drafts: new Map(), status: new Map(), loaded: false, loading: null });

export const state = {
  me: null,
  catalog: null,
  queue: [],          // waiting cases
  queueLoaded: false,
  queueCursor: 0,     // the stream position the last queue snapshot was taken at
  queueBeyond: 0,     // waiting cases beyond those the server lists
  queueFilter: { queue: "", urgency: "" }, // what the waiting list shows (on this page only)
  callBacks: [],      // my queues' live call-backs (requested or picked), in the server's order
  callBacksLoaded: false,
  cursor: 0,
  generation: 0,      // bumps on sign-in/out so old loops stop
  cases: new Map(),   // conversationId -> case record
  order: [],          // my case ids, in the order taken
  current: null,      // open case id
  colleagues: [],
  pollAbort: null,
  dropped: new Set(), // cases closed or passed on here: late events about them are ignored
  rendered: null,     // the case whose drafts are in the text boxes
  locked: false,      // the idle lock hides every case
  lockedDialog: null, // the dialog that was open when the page locked, opened again after
  admin: emptyAdmin(),
};
export function resetAdmin() { state.admin = emptyAdmin(); }

export function caseRecord(id) {
  let c = state.cases.get(id);
  if (!c) {
    c = { id, view: null, messages: new Map(), notes: new Map(), pending: new Map(), unread: 0,
          photos: new Map(), pendingPhotos: new Map(), photosKnown: false,
          closed: false, loading: null, stale: false, draft: "", noteDraft: "" };
    state.cases.set(id, c);
    if (!state.order.includes(id)) state.order.push(id);
    saveCaseIds();
  }
  return c;
}

// Only conversation ids are kept (no health data), so a reload finds my cases again.
export function saveCaseIds() {
  if (!state.me) return;
  store(CASES_KEY + state.me.id, JSON.stringify(state.order));
}
export function loadCaseIds() {
  try {
    const ids = JSON.parse(load(CASES_KEY + state.me.id) || "[]");
    return Array.isArray(ids) ? ids.filter((x) => typeof x === "string" && /^[0-9a-f]{16,64}$/i.test(x)) : [];
  } catch { return []; }
}

export function isAdmin() { return !!(state.me && state.me.role === "admin"); }

export const currentCase = () => (state.current && state.cases.get(state.current)) || null;
// The open case, if I handle it and it is still going (not consulted on, not closed).
export function currentHandledCase() {
  const c = currentCase();
  return c && c.view && c.view.access === "handler" && !c.closed ? c : null;
}

// Every waiting case, also those beyond the 500 the server lists.
export function waitingCount() { return state.queue.length + (state.queueBeyond || 0); }

// The conversation an event is about (the server adds it to the professional's stream).
export function eventCaseId(ev) {
  return ev.conversationId || (ev.data && ev.data.conversationId) || null;
}
