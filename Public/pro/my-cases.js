// "My cases": the cases I handle or was consulted on, in the order taken, with Alt+1…9 and unread counts.
import { $, h, show } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { state } from "./state.js";
import { views } from "./render.js";
import { caseLabel } from "./words.js";
import { callShown } from "./call-feed.js";
import { openCase } from "./cases.js";

function renderMine() {
  const list = $("mine-list");
  const hadFocus = list.contains(document.activeElement) ? document.activeElement.dataset.open : null;
  list.replaceChildren();
  show($("mine-empty"), state.order.length === 0);
  state.order.forEach((id, index) => {
    const c = state.cases.get(id);
    if (!c) return;
    const conv = c.view && c.view.conversation;
    const shortcut = index < 9 ? `Alt+${index + 1}` : null;
    const button = h("button", {
      type: "button", class: "mine-item" + (id === state.current ? " current" : ""),
      "aria-current": id === state.current ? "true" : null, dataset: { open: id },
      "aria-keyshortcuts": shortcut, onclick: () => openCase(id, { focus: true }),
    },
    h("span", { class: "mine-main" },
      conv ? h("span", { class: `dot urgency-${conv.urgency}`, "aria-hidden": "true" }) : null,
      h("span", { class: "mine-title", title: caseLabel(c) }, caseLabel(c))),
    h("span", { class: "mine-side" },
      c.view && c.view.access === "consultant" ? h("span", { class: "tag" }, t("consultantBadge")) : null,
      callShown(c.callBack) ? h("span", { class: "tag" }, t("callTitle")) : null,
      c.unread ? h("span", { class: "unread" }, String(c.unread), h("span", { class: "visually-hidden" }, " " + t("unread"))) : null,
      shortcut ? h("kbd", { "aria-hidden": "true" }, shortcut) : null));
    list.append(h("li", {}, button));
  });
  if (hadFocus) {
    const again = list.querySelector(`[data-open="${CSS.escape(hadFocus)}"]`);
    if (again) again.focus();
  }
}

export function startMyCases() { views.mine = renderMine; }
