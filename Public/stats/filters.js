// The pickers: a range preset (today, the last 7 days, this month, last month) or any dates, a queue (a
// manager's own, an admin's every queue) and a service. A preset or a list choice shows its numbers at
// once; dates show on their change or with the button. An error the API names a field for is shown
// beside that field.
import { $, h } from "../shared/dom.js";
import { t, localized } from "../shared/i18n.js";
import { todayFinland } from "../shared/time.js";
import { state, pickableQueues } from "./state.js";
import { views } from "./render.js";
import { queueName, serviceName, rangeText } from "./words.js";
import { PRESETS, presetRange, presetOf, isDate } from "./range.js";
import { loadReport } from "./report-feed.js";

const FIELDS = { from: "filter-from", to: "filter-to", queue: "filter-queue", service: "filter-service" };
const ERRORS = { from: "errFrom", to: "errTo", queue: "errQueue", service: "errService" };

// The filters from the address (?range=week, or ?from=…&to=…, &queue=, &service=), else today.
export function initFilters() {
  const q = new URLSearchParams(location.search), today = todayFinland();
  const f = state.filters;
  const range = q.get("range");
  if (isDate(q.get("from")) && (isDate(q.get("to")) || !q.get("to"))) {
    f.from = q.get("from");
    f.to = q.get("to") || f.from;
    f.range = presetOf(f.from, f.to, today);
  } else {
    f.range = PRESETS.includes(range) ? range : "today";
    Object.assign(f, presetRange(f.range, today));
  }
  f.queue = pickableQueues().includes(q.get("queue")) ? q.get("queue") : "";
  f.service = q.get("service") && leafServices().some((s) => s.id === q.get("service")) ? q.get("service") : "";
}

// Services that conversations are filed under (the catalog's leaves), grouped by their top-level service.
function leafServices() {
  const out = [];
  const walk = (list, group) => {
    for (const s of list || []) {
      if (s.children && s.children.length) walk(s.children, group || s);
      else out.push({ id: s.id, title: s.title, group });
    }
  };
  walk(state.catalog && state.catalog.services, null);
  return out;
}

function fillQueues() {
  const select = $("filter-queue");
  const ids = pickableQueues();
  select.replaceChildren(h("option", { value: "", text: t("allQueues") }),
    ...ids.map((id) => h("option", { value: id, text: queueName(id) })));
  select.value = ids.includes(state.filters.queue) ? state.filters.queue : "";
}

function fillServices() {
  const select = $("filter-service");
  const options = [h("option", { value: "", text: t("allServices") })];
  let group = null, node = null;
  for (const s of leafServices()) {
    const option = h("option", { value: s.id, text: localized(s.title) });
    if (!s.group) { options.push(option); group = null; continue; }
    if (s.group !== group) { group = s.group; node = h("optgroup", { label: localized(group.title) }); options.push(node); }
    node.append(option);
  }
  select.replaceChildren(...options);
  select.value = state.filters.service;
  if (select.value !== state.filters.service) select.value = "";
}

function render() {
  const f = state.filters;
  for (const radio of document.querySelectorAll("input[name=range]")) radio.checked = radio.value === f.range;
  $("filter-from").value = f.from;
  $("filter-to").value = f.to;
  fillQueues();
  fillServices();
  for (const [field, id] of Object.entries(FIELDS)) {
    const code = state.fieldErrors[field], input = $(id), note = $(field + "-error");
    note.hidden = !code;
    note.textContent = code ? t(ERRORS[field]) : "";
    if (code) { input.setAttribute("aria-invalid", "true"); input.setAttribute("aria-describedby", note.id); }
    else { input.removeAttribute("aria-invalid"); input.removeAttribute("aria-describedby"); }
  }
}

// What the numbers below are about, or that they load, or why they could not.
function renderStatus() {
  const r = state.report, node = $("report-status");
  $("report").hidden = !r;
  node.classList.toggle("error", !!state.reportError);
  if (state.reportError) { node.textContent = state.reportError; return; }
  if (state.loading || !r) { node.textContent = t("loading"); return; }
  const scope = [r.queues && r.queues.length === 1 && state.filters.queue ? queueName(r.queues[0]) : t("scopeAll"),
                 r.service ? serviceName(r.service) : null].filter(Boolean).join(", ");
  node.textContent = t("showing", { range: rangeText(r.from, r.to), scope });
}

// What the form holds now, into the state.
function readForm() {
  const f = state.filters;
  f.from = $("filter-from").value;
  f.to = $("filter-to").value;
  f.queue = $("filter-queue").value;
  f.service = $("filter-service").value;
  const keep = presetRange(f.range, todayFinland());
  if (f.range === "custom" || keep.from !== f.from || keep.to !== f.to) f.range = presetOf(f.from, f.to, todayFinland());
}

function choosePreset(name) {
  const f = state.filters;
  if (name === "custom") { f.range = "custom"; $("filter-from").focus(); return; }
  f.range = name;
  Object.assign(f, presetRange(name, todayFinland()));
  loadReport();
}

export function startFilters() {
  views.filters = render;
  views.status = renderStatus;
  for (const radio of document.querySelectorAll("input[name=range]")) {
    radio.addEventListener("change", () => { if (radio.checked) choosePreset(radio.value); });
  }
  for (const id of ["filter-from", "filter-to", "filter-queue", "filter-service"]) {
    $(id).addEventListener("change", () => { readForm(); loadReport(); });
  }
  // The button: the numbers, or the keyboard taken to the field the API found wrong.
  $("filters").addEventListener("submit", async (event) => {
    event.preventDefault();
    readForm();
    await loadReport();
    const wrong = Object.keys(state.fieldErrors || {})[0];
    if (wrong && FIELDS[wrong]) $(FIELDS[wrong]).focus();
  });
}
