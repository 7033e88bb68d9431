// The live overview's long poll: each queue's waiting cases, longest wait, cases past the queue's target,
// cases in handling and professionals on shift. The first call answers at once; after that the server
// holds each call until something changes (or 25 s pass, or the next waiting case passes its target),
// and the page asks again at once with the newest token. A network failure waits a few seconds, longer
// each time, or until the browser is back online.
import { request } from "../shared/api.js";
import { sleepUntilOnline } from "../shared/time.js";
import { state } from "./state.js";
import { views } from "./render.js";

const WAIT = 25; // seconds the server may hold a call

let abort = null;
export function stopLive() { abort?.abort(); abort = null; }

// Takes an overview in: which queues now have more cases past their target than shown before
// (on the first overview, any past target at all) is the news to announce.
function accept(data) {
  state.live = data;
  state.liveOffset = Date.parse(data.at) - Date.now() || 0;
  const before = state.pastTarget;
  const news = (data.queues || []).filter((q) => q.pastTarget > ((before && before.get(q.id)) || 0));
  state.pastTarget = new Map((data.queues || []).map((q) => [q.id, q.pastTarget]));
  views.live(news);
}

// The first overview (or why there is none): 404 means the statistics are not for this account.
export async function firstOverview() {
  stopLive();
  abort = new AbortController();
  return request("GET", "/api/v1/stats/live", null, { signal: abort.signal });
}

// Shows `first` (if the first call got one) and follows changes until the account signs out
// (`generation` changes).
export async function followLive(generation, first) {
  let token = null, delay = 2000;
  if (first) { accept(first); token = first.token; }
  while (generation === state.generation) {
    const mine = (abort = new AbortController());
    const query = token === null ? "" : `?after=${encodeURIComponent(token)}&wait=${WAIT}`;
    const r = await request("GET", "/api/v1/stats/live" + query, null, { signal: mine.signal });
    if (mine.signal.aborted || generation !== state.generation) return;
    if (r.ok && r.data) {
      delay = 2000;
      state.liveLost = false;
      token = r.data.token;
      accept(r.data);
      continue;
    }
    if (r.status === 404) { views.denied(); return; }
    if (r.status === 401) return; // the session ended: the sign-in form shows
    state.liveLost = true;
    views.live([]);
    await sleepUntilOnline(delay);
    delay = Math.min(delay * 2, 30000);
  }
}
