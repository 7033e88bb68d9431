// The professional's one event stream (GET /api/v1/pro/events, long polled) drives everything live:
// the queue changes in place, the call list is read again when a call-back in my queues changes (a try
// changes its row in place), and messages, notes and photos are merged into my cases.
import { announce } from "../shared/dom.js";
import { t, lang } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { sleep } from "../shared/time.js";
import { state, caseRecord, eventCaseId } from "./state.js";
import { views } from "./render.js";
import { caseLabel } from "./words.js";
import { updateTitle, startBlink, beep, showAlert, hideAlert } from "./signal.js";
import { leaveQueue, joinQueue, scheduleQueueRefresh, cancelQueueRefresh, signalArrival, stopArrivalSignal,
  QUEUE_LISTED } from "./queue-feed.js";
import { scheduleCallBackRefresh, cancelCallBackRefresh, tryRecorded } from "./call-feed.js";
import { reloadCase, openCase, dropCase, mergeMessage, mergeNote, mergePhoto, photoFromEvent } from "./cases.js";

export async function pollLoop(generation) {
  let delay = 1000;
  let failing = false;
  while (generation === state.generation) {
    const controller = new AbortController();
    state.pollAbort = controller;
    const r = await request("GET", `/api/v1/pro/events?after=${state.cursor}&wait=25&lang=${lang}`, null, { signal: controller.signal });
    if (generation !== state.generation) return;
    if (r.ok && r.data) {
      if (failing) { failing = false; announce(t("connectionBack")); hideAlert(); scheduleQueueRefresh(); }
      delay = 1000;
      const events = r.data.events || [];
      if (typeof r.data.next === "number" && r.data.next > state.cursor) state.cursor = r.data.next;
      handleEvents(events);
      continue;
    }
    if (r.status === 401) return; // the page has signed out already
    if (!failing && delay >= 4000) { failing = true; showAlert(t("connectionLost"), "warn"); }
    // Backoff with jitter, capped at 30 s.
    await sleep(delay + Math.random() * 500);
    delay = Math.min(delay * 2, 30000);
  }
}

// Ends the stream and any queue refresh of this session; answers still under way are ignored.
export function stopFollowing() {
  state.generation++;
  cancelQueueRefresh();
  cancelCallBackRefresh();
  if (state.pollAbort) state.pollAbort.abort();
}

// An event that does not name its conversation: the case that holds the message or note it is about.
// One that cannot be placed makes us re-read the cases we hold (each re-read is audited as an opening).
function findCaseWithMessage(id) {
  for (const c of state.cases.values()) if (c.messages.has(id) || c.notes.has(id)) return c;
  for (const c of state.cases.values()) {
    for (const p of c.pending.values()) if (p.clientId === id) return c;
  }
  return null;
}

let resyncTimer = 0;
function scheduleResync() {
  clearTimeout(resyncTimer);
  resyncTimer = setTimeout(() => {
    for (const id of state.order) reloadCase(id, { live: true });
  }, 150);
}

// A case of mine the page did not know (passed or shown to me): take it in.
function adoptCase(id) {
  if (!id || state.dropped.has(id)) return null;
  if (state.cases.has(id)) return state.cases.get(id);
  caseRecord(id);
  // It may be a call-back whose call came with it: the call list says.
  scheduleCallBackRefresh();
  const generation = state.generation;
  reloadCase(id).then(() => {
    const c = state.cases.get(id);
    if (generation !== state.generation || !c || !c.view) return;
    // Said aloud and shown: someone handed this over and waits for it to be taken care of.
    const text = t(c.view.access === "consultant" ? "consultReceived" : "caseReceived", { what: caseLabel(c) });
    announce(text);
    showAlert(text, "info");
    if (document.visibilityState !== "visible") startBlink(t("caseReceivedTitle"));
    beep();
    if (!state.current) openCase(id, { focus: false });
  });
  views.mine();
  return null;
}

// The case a message or note event belongs to: named (taken in if new), else found by its ids.
function caseOfEntry(caseId, data) {
  return caseId ? (state.cases.get(caseId) || adoptCase(caseId))
    : (findCaseWithMessage(data.id) || findCaseWithMessage(data.clientId));
}

function handleEvents(events) {
  let queueLeft = false;
  let joined = null;
  let callBacks = false;
  let callList = false;
  const wasEmpty = state.queue.length === 0;
  const touched = new Set();
  for (const ev of events) {
    const data = ev.data || {};
    const caseId = eventCaseId(ev);
    if (caseId && state.dropped.has(caseId) && !/^(queued|retriaged|redFlag)$/.test(ev.type)) continue;
    switch (ev.type) {
      // A case joins my queue with its row (offerEnded: an offer to its previous professional ran out,
      // so it is everyone's now). No row: it is not, or no longer, waiting for me.
      case "queued": case "offerEnded":
        if (ev.case && joinQueue(ev.case, ev.seq)) joined = joined || ev.case;
        else if (ev.case) queueLeft = true;
        break;
      case "picked": case "withdrawn":
        if (leaveQueue(caseId, ev.seq)) queueLeft = true;
        if (data.callBack) callBacks = true;
        break;
      // A call-back asked for in my queues (its matter leaves the chat queue at once), cancelled, or ended
      // unreached (a case of mine so ended, in another window, is closed): the call list changed.
      case "callBackRequested": case "callBackCancelled": case "callBackNotReached":
        if (leaveQueue(caseId, ev.seq)) queueLeft = true;
        if (ev.type === "callBackNotReached" && caseId && state.cases.has(caseId)) {
          state.cases.get(caseId).closed = true;
          touched.add(caseId);
        }
        callBacks = true;
        break;
      // Answered again while waiting: the row as it is now (urgency, maybe queue) in its new place; no row, it
      // waits in a queue not mine now.
      case "retriaged":
        if (ev.case) { if (joinQueue(ev.case, ev.seq)) joined = joined || ev.case; else queueLeft = true; }
        else if (leaveQueue(caseId, ev.seq)) queueLeft = true;
        break;
      // A red flag while waiting (sent to 112 / 116117): the matter left the queue and ended.
      case "redFlag":
        if (!data.whileWaiting || !data.queue) break;
        if (leaveQueue(caseId, ev.seq)) queueLeft = true;
        if (state.cases.has(caseId)) { state.cases.get(caseId).closed = true; touched.add(caseId); }
        break;
      // A try at a call-back in my queues: its tries; reached, it leaves the call list.
      case "callBackAttempt":
        if (tryRecorded(caseId, data)) callList = true;
        break;
      case "transferred":
        if (state.callBacks.some((b) => b.conversationId === caseId)) callBacks = true;
        if (caseId && data.professional && !data.queue) {
          if (leaveQueue(caseId, ev.seq)) queueLeft = true;
          adoptCase(caseId);
        } else if (ev.case) {
          if (joinQueue(ev.case, ev.seq)) joined = joined || ev.case; else queueLeft = true;
        } else if (leaveQueue(caseId, ev.seq)) {
          queueLeft = true;
        }
        break;
      case "message": {
        const message = { id: data.id, clientId: data.clientId, author: data.author, text: data.text, at: ev.at,
                          seq: ev.seq, professional: data.professional };
        const c = caseOfEntry(caseId, data);
        if (c) { if (mergeMessage(c, message, true)) touched.add(c.id); }
        else if (!caseId) scheduleResync();
        break;
      }
      case "note": {
        const c = caseOfEntry(caseId, data);
        if (c) { if (mergeNote(c, Object.assign({ at: ev.at }, data))) touched.add(c.id); }
        else if (!caseId) scheduleResync();
        break;
      }
      case "photo": {
        const c = caseId ? (state.cases.get(caseId) || adoptCase(caseId)) : null;
        if (c && mergePhoto(c, photoFromEvent(ev), true)) touched.add(c.id);
        break;
      }
      case "closed":
        if (caseId && state.cases.has(caseId)) {
          state.cases.get(caseId).closed = true;
          touched.add(caseId);
        } else if (!caseId) {
          scheduleResync();
        }
        break;
      // The case I was consulted on went on or closed: said, and it leaves my cases.
      case "consultationEnded": {
        const c = caseId && state.cases.get(caseId);
        if (!c || (data.professional && state.me && data.professional.id !== state.me.id)) break;
        const text = t(data.reason === "closed" ? "consultClosed" : "consultPassed", { what: caseLabel(c) });
        dropCase(caseId);
        announce(text);
        showAlert(text, "info");
        break;
      }
      case "consulted":
        if (caseId && data.professional && state.me && data.professional.id === state.me.id) adoptCase(caseId);
        break;
      default:
        break;
    }
  }
  // The queue changes in place. Only a list cut at the server's 500 needs the snapshot again (to pull
  // in the next case).
  if (joined && state.queueLoaded) signalArrival(joined, wasEmpty);
  if (joined || queueLeft) {
    stopArrivalSignal();
    views.queue();
    updateTitle();
  }
  if ((joined || queueLeft) && (state.queueBeyond || state.queue.length > QUEUE_LISTED)) scheduleQueueRefresh();
  if (callBacks) scheduleCallBackRefresh();
  if (callList) views.callBacks();
  for (const id of touched) {
    const c = state.cases.get(id);
    if (!c) continue;
    if (state.current === id) {
      if (c.closed) views.case(); else { views.messages(c); views.notes(c); }
    }
  }
  if (touched.size) views.mine();
}
