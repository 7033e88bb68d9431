// The statistics page's state: one object that the page's modules read and change. Only the language is
// kept (in localStorage, under the workspace's key, so both pages speak the same language).

export const LANGS = ["fi", "sv", "en"];
export const LANG_KEY = "neuvo.pro.lang";

export const state = {
  me: null,           // the signed-in account (/api/v1/pro/me)
  view: "stats",      // which view shows: login, denied, stats or log (the access log, for administrators)
  catalog: null,      // queue and service names in every language
  generation: 0,      // bumps on sign-in/out so old loops and answers are dropped
  filters: { range: "today", from: "", to: "", queue: "", service: "" },
  report: null,       // the last statistics answer
  loading: false,
  fieldErrors: {},    // field -> the API's error code, shown next to that field
  reportError: null,  // why the report could not be loaded, in the page's words
  live: null,         // the last live overview answer
  liveOffset: 0,      // the server's clock minus ours, ms, from the overview's `at`
  liveLost: false,    // the long poll is retrying
  pastTarget: null,   // queue id -> cases past target, as last shown (null: nothing shown yet)
  log: emptyLog(),    // the access log's search (administrators)
};

// The access log's search: what was asked (the API's query, for the CSV link too), its answer, and why not.
export function emptyLog() {
  return {
    asked: null,      // URLSearchParams of the search shown (or loading)
    result: null,     // { entries, truncated }
    loading: false,
    fieldErrors: {},  // field ("query" for the form as a whole) -> the API's error code
    error: null,      // why the search failed, in the page's words
  };
}

export function isAdmin() { return !!(state.me && state.me.role === "admin"); }

// The queues this account may pick from: a manager's own, an admin's every queue in the catalog.
export function pickableQueues() {
  const all = (state.catalog && state.catalog.queues) || [];
  if (isAdmin()) return all.map((q) => q.id);
  const mine = (state.me && state.me.manages) || [];
  return [...all.map((q) => q.id).filter((id) => mine.includes(id)), ...mine.filter((id) => !all.some((q) => q.id === id))];
}
