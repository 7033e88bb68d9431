// The waiting queue as data: the server's snapshot (GET /pro/queue), and the stream's arrivals and
// departures applied in place between snapshots. (The call list's data is call-feed.js.)
import { announce } from "../shared/dom.js";
import { t, lang } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { urgencyLabel, serviceTitle } from "./words.js";
import { title, updateTitle, startBlink, stopBlink, beep } from "./signal.js";

// Cases seen leaving the queue in the stream, by the event's seq: a snapshot
// older than that (its cursor is lower) must not bring them back.
export const leftQueue = new Map();
export function leaveQueue(id, seq) {
  if (!id) return false;
  leftQueue.set(id, Math.max(seq || 0, leftQueue.get(id) || 0));
  const before = state.queue.length;
  state.queue = state.queue.filter((c) => c.conversationId !== id);
  return state.queue.length !== before;
}

// A case that joins my queue, with its list row from the event: put in its place (most urgent first,
// then longest waiting), so an arrival costs no fetch of the whole queue. True if it is new here.
const URGENCY_RANK = { urgent: 0, soon: 1, normal: 2 };
// The server's order: urgency, then queued time (ISO strings sort as times), then id.
const compare = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
const queueOrder = (a, b) => compare(URGENCY_RANK[a.urgency] ?? 9, URGENCY_RANK[b.urgency] ?? 9)
  || compare(a.queuedAt, b.queuedAt) || compare(a.conversationId, b.conversationId);
export const QUEUE_LISTED = 500;  // as many as the server lists; beyond that the snapshot says how many more
export function joinQueue(row, seq) {
  if ((leftQueue.get(row.conversationId) || 0) >= seq) return false;  // it left again after this event
  leftQueue.delete(row.conversationId);
  const known = state.queue.some((c) => c.conversationId === row.conversationId);
  const rest = state.queue.filter((c) => c.conversationId !== row.conversationId);
  let at = rest.findIndex((c) => queueOrder(row, c) < 0);
  if (at < 0) at = rest.length;
  rest.splice(at, 0, row);
  state.queue = rest;
  return !known;
}

let queueRefreshTimer = 0;
export function scheduleQueueRefresh() {
  clearTimeout(queueRefreshTimer);
  queueRefreshTimer = setTimeout(refreshQueue, 80);
}
export function cancelQueueRefresh() { clearTimeout(queueRefreshTimer); }

// Said and signalled when a case arrives; the sound and the blinking only when the queue was empty.
export function signalArrival(row, wasEmpty) {
  announce(t("newCase", { what: `${urgencyLabel(row.urgency)}, ${serviceTitle(row.serviceId)}` }));
  if (wasEmpty) {
    startBlink(t("newCaseTitle"));
    beep();
  }
}
export function stopArrivalSignal() {
  if (state.queue.length === 0 && title.reason === t("newCaseTitle")) stopBlink();
}

let queueFetches = 0;
export async function refreshQueue() {
  // A refresh scheduled just before signing out has nobody to ask for.
  if (!state.me) return;
  const generation = state.generation;
  const mine = ++queueFetches;
  const started = performance.now();
  const r = await request("GET", "/api/v1/pro/queue?lang=" + lang);
  if (!r.status) return;
  measure("pro:queue-fetch", started);
  // An older snapshot answering late must not overwrite a newer one.
  if (generation !== state.generation || mine !== queueFetches || !r.ok) return;
  const before = new Set(state.queue.map((c) => c.conversationId));
  const wasEmpty = state.queue.length === 0;
  state.queueCursor = r.data.cursor || 0;
  for (const [id, seq] of leftQueue) if (seq <= state.queueCursor) leftQueue.delete(id);
  state.queue = (r.data.cases || []).filter((c) => !leftQueue.has(c.conversationId));
  // The server lists at most 500; the count and a note say how many wait in all.
  state.queueBeyond = Math.max(0, (r.data.total || 0) - (r.data.cases || []).length);
  const added = state.queue.filter((c) => !before.has(c.conversationId));
  if (state.queueLoaded && added.length) signalArrival(added[0], wasEmpty);
  stopArrivalSignal();
  state.queueLoaded = true;
  views.queue();
  updateTitle();
}

// Timings the browser keeps (performance.getEntriesByType("measure")), for tests and profiling.
export function measure(name, start) {
  try { performance.measure(name, { start, end: performance.now() }); } catch { /* older browsers */ }
}
