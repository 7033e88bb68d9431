// Contacts and the mean wait over time: per hour of the day (bars), per day of the range (a line) and per
// weekday (bars), each chart beside a table with the same numbers (and the picked count).
import { $ } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { count, minutesValue, axisNumber, hourText, dayText, monthText, dayWithWeekday, weekdayText } from "./words.js";
import { showChart } from "./chart.js";
import { dataTable } from "./table.js";

const toMinutes = (s) => (s == null ? null : s / 60);

// `rows`: the API's buckets; `label(row)` a row's full name, `tick(row)` its name on the axis.
function section(name, { title, rows, label, tick, firstColumn, contacts }) {
  const labels = rows.map(label);
  const contactsSeries = contacts === "line"
    ? { kind: "line", values: rows.map((r) => r.contacts), name: t("contacts"), legend: t("contactsLegend"), whole: true, format: count, axisFormat: axisNumber }
    : { kind: "bar", values: rows.map((r) => r.contacts), name: t("contacts"), legend: t("contactsLegend"), whole: true, format: count, axisFormat: axisNumber };
  showChart($(name + "-chart"), {
    label: t("chartLabel", { title }),
    labels, ticks: rows.map(tick),
    series: [
      contactsSeries,
      { kind: "line", dashed: true, side: "right", least: 0.5, values: rows.map((r) => toMinutes(r.meanWaitSeconds)), name: t("meanWait"),
        legend: t("meanWaitLegend"), format: (v) => t("minutes", { n: minutesValue(v * 60) }), axisFormat: axisNumber },
    ],
  });
  $(name + "-table").replaceChildren(dataTable({
    id: name + "-data", caption: title, captionHidden: true,
    columns: [{ label: firstColumn }, { label: t("contacts"), num: true }, { label: t("picked"), num: true }, { label: t("meanWait"), num: true }],
    rows: rows.map((r, i) => [labels[i], count(r.contacts), count(r.picked), minutesValue(r.meanWaitSeconds)]),
  }));
}

function render() {
  const r = state.report;
  if (!r) return;
  section("hours", {
    title: t("hoursTitle"), rows: r.byHour, firstColumn: t("hour"),
    label: (b) => hourText(b.hour), tick: (b) => String(b.hour).padStart(2, "0"),
  });
  section("days", {
    title: t("daysTitle"), rows: r.byDay, firstColumn: t("date"), contacts: "line",
    // Over two months, the axis names months at their first day.
    label: (b) => dayWithWeekday(b.date),
    tick: r.byDay.length > 62 ? (b) => (b.date.endsWith("-01") ? monthText(b.date) : "") : (b) => dayText(b.date),
  });
  section("weekdays", {
    title: t("weekdaysTitle"), rows: r.byWeekday, firstColumn: t("weekday"),
    label: (b) => weekdayText(b.weekday), tick: (b) => weekdayText(b.weekday, "short"),
  });
}

export function startTimes() { views.times = render; }
