// Red flags: how many residents were told to call 112 and how many the helpline 116117, then each flag of
// the catalog that stopped the pre-questions, with its instruction and count.
import { $, h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { count } from "./words.js";
import { dataTable } from "./table.js";
import { figure } from "./card.js";

function render() {
  const r = state.report;
  if (!r) return;
  const by = r.totals.redFlagsByAction || {};
  $("flag-figures").replaceChildren(
    figure("call112", t("call112"), count(by.call112 || 0)),
    figure("call116117", t("call116117"), count(by.call116117 || 0)));
  const flags = r.redFlags || [];
  $("flags-table").replaceChildren(flags.length
    ? dataTable({
      id: "flags-data", caption: t("flagsTitle"), captionHidden: true,
      columns: [{ label: t("flagColumn") }, { label: t("actionColumn") }, { label: t("count"), num: true }],
      rows: flags.map((f) => [f.flag, f.action ? t(f.action) : t("noAction"), count(f.count)]),
    })
    : h("p", { class: "muted", text: t("noFlags") }));
}

export function startFlags() { views.flags = render; }
