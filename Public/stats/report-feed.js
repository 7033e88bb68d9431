// The statistics for the chosen range, queue and service: one call to /api/v1/stats per change of the
// pickers (a newer one cancels the older), the CSV links that download the same tables, and the address
// bar kept in step so that a view can be bookmarked or shared.
import { lang } from "../shared/i18n.js";
import { request } from "../shared/api.js";
import { state } from "./state.js";
import { views, drawReport } from "./render.js";
import { errorText } from "./words.js";

let abort = null;

// The filters as the API reads them.
export function statsQuery() {
  const f = state.filters, q = new URLSearchParams({ from: f.from, to: f.to });
  if (f.queue) q.set("queue", f.queue);
  if (f.service) q.set("service", f.service);
  return q;
}

// Each table's CSV link: the same question, names in the page's language.
export function updateCsvLinks() {
  const q = statsQuery();
  q.set("lang", lang);
  for (const a of document.querySelectorAll("a[data-csv]")) a.href = `/api/v1/stats/csv/${a.dataset.csv}?${q}`;
}

export function keepInAddress() {
  const q = statsQuery();
  if (state.filters.range !== "custom") { q.delete("from"); q.delete("to"); q.set("range", state.filters.range); }
  const next = `${location.pathname}?${q}`;
  if (next !== location.pathname + location.search) history.replaceState(null, "", next);
}

export function stopReport() { abort?.abort(); abort = null; }

export async function loadReport() {
  stopReport();
  const mine = (abort = new AbortController());
  const generation = state.generation;
  updateCsvLinks();
  keepInAddress();
  state.loading = true;
  state.fieldErrors = {};
  state.reportError = null;
  views.filters();
  views.status();
  const q = statsQuery();
  q.set("lang", lang);
  const r = await request("GET", `/api/v1/stats?${q}`, null, { signal: mine.signal });
  if (mine.signal.aborted || generation !== state.generation) return;
  abort = null;
  state.loading = false;
  if (r.ok && r.data) {
    state.report = r.data;
    drawReport();
    return;
  }
  if (r.status === 404) { views.denied(); return; }
  if (r.status === 401) return; // the session ended: the sign-in form shows
  if (r.status === 422 && r.field) state.fieldErrors = { [r.field]: r.code || "invalid" };
  else state.reportError = errorText(r);
  views.filters();
  views.status();
}
