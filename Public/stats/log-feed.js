// The access log's search (administrators): one call to /api/v1/audit per search (a newer one cancels the
// older) and the CSV of the same search. The search is kept out of the address bar: an identity code has
// no place in the browser's history.
import { request } from "../shared/api.js";
import { state, emptyLog } from "./state.js";
import { views } from "./render.js";
import { errorText } from "./words.js";

// The API's criteria, in the form's order.
export const LOG_FIELDS = ["identityCode", "conversation", "professional", "from", "to"];

let abort = null;

export function stopLog() { abort?.abort(); abort = null; }

// Everything of the last search gone (signing out).
export function forgetLog() {
  stopLog();
  state.log = emptyLog();
}

// The CSV link for the search shown.
export function logCsvHref() { return state.log.asked ? `/api/v1/audit/csv?${state.log.asked}` : ""; }

// `criteria`: field -> value; empty ones are left out (none at all: the API says which rule was broken).
export async function searchLog(criteria) {
  stopLog();
  const mine = (abort = new AbortController());
  const generation = state.generation;
  const asked = new URLSearchParams();
  for (const field of LOG_FIELDS) if (criteria[field]) asked.set(field, criteria[field]);
  Object.assign(state.log, { asked, result: null, loading: true, fieldErrors: {}, error: null });
  views.log();
  const r = await request("GET", `/api/v1/audit?${asked}`, null, { signal: mine.signal });
  if (mine.signal.aborted || generation !== state.generation) return;
  abort = null;
  state.log.loading = false;
  if (r.ok && r.data) {
    state.log.result = { entries: r.data.entries || [], truncated: !!r.data.truncated };
    views.log();
    return;
  }
  state.log.asked = null;
  views.log();
  if (r.status === 404) { views.denied(); return; } // not an administrator (any more), or the session ended
  if (r.status === 401) return;
  if (r.status === 422 && r.field) state.log.fieldErrors = { [r.field]: r.code || "invalid" };
  else state.log.error = errorText(r);
  views.log();
}
