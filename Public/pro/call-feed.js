// The call list as data: my queues' live call-backs (GET /pro/call-backs: requested, or picked by me or a
// colleague) in the server's order, read again whenever the stream says a call-back came, went or was taken;
// and the call-back of a case of mine, from the case view (so it is there after a reload), the list or a
// try's answer, merged so that an older answer never takes it back.
import { announce } from "../shared/dom.js";
import { t, lang } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { callBackLabel } from "./words.js";
import { updateTitle } from "./signal.js";
import { leaveQueue } from "./queue-feed.js";

// A call-back being called (picked) or reached: its case shows the call panel and is marked in my cases.
export const callShown = (cb) => !!cb && (cb.status === "picked" || cb.status === "reached");

// A call-back only moves on: requested → picked → reached / not reached / cancelled, its tries only grow.
const STAGE = { requested: 0, picked: 1, reached: 2, notReached: 2, cancelled: 2 };
const stage = (b) => STAGE[b.status] ?? 0;
const later = (b, known) => stage(b) > stage(known) || (stage(b) === stage(known) && (b.attempts || 0) >= (known.attempts || 0));

// Takes `b` (a list row, the case view's callBack or a try's answer) into the case; true if anything changed.
// The matter's latest call-back wins; of the same one, the answer that is furthest on.
export function mergeCallBack(c, b) {
  if (!c || !b || !b.id) return false;
  const known = c.callBack;
  if (!known || (known.id !== b.id && !(b.requestedAt && known.requestedAt && b.requestedAt < known.requestedAt))) {
    c.callBack = Object.assign({ conversationId: c.id }, b);
    return true;
  }
  if (known.id !== b.id) return false;
  const before = JSON.stringify(known);
  if (later(b, known)) Object.assign(known, b);
  else for (const [key, value] of Object.entries(b)) if (!(key in known)) known[key] = value;
  return JSON.stringify(known) !== before;
}

// A try at a call-back in my queues (callBackAttempt): the list row's tries; reached, it is no longer live and
// leaves the list. Mine, the case takes it in too (the event may come before my own try's answer). True if the
// list changed.
export function tryRecorded(id, d) {
  const c = state.cases.get(id);
  const known = c && c.callBack;
  const reached = d.result === "reached";
  if (known && mergeCallBack(c, { id: known.id, status: reached ? "reached" : known.status, attempts: d.attempts,
                                  maxAttempts: d.maxAttempts })) { views.mine(); views.callPanel(); }
  const row = state.callBacks.find((b) => b.conversationId === id);
  if (!row) return false;
  if (reached) { state.callBacks = state.callBacks.filter((b) => b !== row); scheduleCallBackRefresh(); }
  else Object.assign(row, { attempts: Math.max(row.attempts || 0, d.attempts), maxAttempts: d.maxAttempts });
  return true;
}

let timer = 0;
export function scheduleCallBackRefresh() {
  clearTimeout(timer);
  timer = setTimeout(refreshCallBacks, 80);
}
export function cancelCallBackRefresh() { clearTimeout(timer); }

// The list in the server's order, by window, then urgency. Only a picked one of mine carries the number.
let fetches = 0;
export async function refreshCallBacks() {
  if (!state.me) return;
  const generation = state.generation;
  const mine = ++fetches;
  const r = await request("GET", "/api/v1/pro/call-backs?lang=" + lang);
  if (generation !== state.generation || mine !== fetches || !r.ok) return;
  const list = Array.isArray(r.data && r.data.callBacks) ? r.data.callBacks : [];
  const known = new Set(state.callBacks.map((b) => b.id));
  const arrived = state.callBacksLoaded ? list.filter((b) => b.status === "requested" && !known.has(b.id)) : [];
  state.callBacks = list;
  state.callBacksLoaded = true;
  // A call-back's matter has left the chat queue: a row of it still there goes.
  let left = false, marked = false;
  for (const b of list) {
    if (leaveQueue(b.conversationId, 0)) left = true;
    const c = b.mine && state.cases.get(b.conversationId);
    if (c && mergeCallBack(c, b)) marked = true;
  }
  if (left) { views.queue(); updateTitle(); }
  if (marked) views.mine();
  if (arrived.length) announce(t("cbNew", { what: callBackLabel(arrived[0]) }));
  views.callBacks();
  views.callPanel();
}
