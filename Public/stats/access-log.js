// The access log, for the register keeper (administrators): who has opened a resident's data. A search
// form (identity code, case id, professional's username, dates; at least one), the entries newest first
// (when in Finnish time; who: name, username and role, or the record system's API key; what, and why a
// case was opened; the case), a note when more matched than the page shows, the CSV of the same search,
// an error the API names a field for beside that field (the keyboard taken there), and a polite live
// region saying how many entries were found.
import { $, h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { count } from "./words.js";
import { logTime, readerText, actionText, criteriaText } from "./log-words.js";
import { LOG_FIELDS, searchLog, logCsvHref, forgetLog } from "./log-feed.js";

const ERRORS = { identityCode: "errLogIdentityCode", conversation: "errLogConversation", professional: "errLogProfessional",
                 from: "errFrom", to: "errTo" };
const HINTS = { identityCode: "log-identityCode-hint", conversation: "log-conversation-hint" };
const COLUMNS = ["logColTime", "logColWho", "logColWhat", "logColCase"];
const field = (name) => $("log-" + name);

// The form as the API reads it: an identity code in upper case, a case id in lower case.
function readForm() {
  const text = (name) => field(name).value.trim();
  return { identityCode: text("identityCode").toUpperCase(), conversation: text("conversation").toLowerCase(),
           professional: text("professional"), from: field("from").value, to: field("to").value };
}

// Each field's error beside it (aria-invalid, and read with the field); "at least one" with the first field.
function renderErrors() {
  const errors = state.log.fieldErrors || {};
  const query = $("log-query-error");
  query.hidden = !errors.query;
  query.textContent = errors.query ? t("errLogQuery") : "";
  for (const name of LOG_FIELDS) {
    const input = field(name), note = $(`log-${name}-error`), code = errors[name];
    note.hidden = !code;
    note.textContent = code ? t(ERRORS[name]) : "";
    if (code) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    const described = [HINTS[name], code ? note.id : null, errors.query && name === LOG_FIELDS[0] ? query.id : null].filter(Boolean);
    if (described.length) input.setAttribute("aria-describedby", described.join(" ")); else input.removeAttribute("aria-describedby");
  }
}

function foundText(result) {
  const n = result.entries.length;
  const found = n === 0 ? t("logNone") : n === 1 ? t("logFoundOne") : t("logFoundMany", { n: count(n) });
  return result.truncated ? `${found} ${t("logMore")}` : found;
}

function entryRow(entry) {
  return h("tr", { dataset: { action: entry.action, reader: entry.reader?.name || "" } },
    h("th", { scope: "row" }, h("time", { datetime: entry.at, text: logTime(entry.at) })),
    h("td", { class: "log-who", text: readerText(entry.reader) }),
    h("td", { class: "log-what", text: actionText(entry) }),
    h("td", { class: "log-id", text: entry.conversationId || t("none") }));
}

// The entries in a table whose box scrolls sideways on a narrow screen (the page never does), named by
// what was searched for (above it, not in a caption that would scroll away with it).
function entryTable(entries) {
  return [h("p", { id: "log-criteria", class: "log-criteria", text: t("logCaption", { criteria: criteriaText(state.log.asked) }) }),
    h("div", { class: "table-wrap", tabindex: "0", role: "group", "aria-labelledby": "log-criteria" },
      h("table", { id: "log-data", class: "data-table log-table", "aria-labelledby": "log-criteria" },
        h("thead", null, h("tr", null, COLUMNS.map((key) => h("th", { scope: "col", text: t(key) })))),
        h("tbody", null, entries.map(entryRow))))];
}

function render() {
  const log = state.log, result = log.result, status = $("log-status");
  renderErrors();
  status.classList.toggle("error", !!log.error);
  status.textContent = log.error || (log.loading ? t("logSearching") : result ? foundText(result) : "");
  $("log-results").hidden = !result;
  if (!result) { $("log-table").replaceChildren(); return; }
  $("log-csv").href = logCsvHref();
  const truncated = $("log-truncated");
  truncated.hidden = !result.truncated;
  truncated.textContent = result.truncated ? t("logTruncated", { n: count(result.entries.length) }) : "";
  $("log-table").replaceChildren(...(result.entries.length ? entryTable(result.entries) : [h("p", { class: "muted", text: t("logNone") })]));
}

export function startAccessLog() {
  views.log = render;
  views.logReset = () => {
    forgetLog();
    $("log-form").reset();
    render();
  };
  $("log-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    await searchLog(readForm());
    const errors = state.log.fieldErrors || {};
    const wrong = errors.query ? LOG_FIELDS[0] : LOG_FIELDS.find((name) => errors[name]);
    if (wrong) field(wrong).focus();
  });
}
