// Step 2: the service tree, one level at a time.
import { $, h } from "../shared/dom.js";
import { t, localized } from "../shared/i18n.js";
import { S, clearDrafts } from "./state.js";
import { go, views } from "./render.js";
import { subjectLine } from "./words.js";

function renderServices() {
  const parent = S.path[S.path.length - 1];
  const nodes = parent ? parent.children || [] : (S.catalog?.services || []);
  $("service-for").textContent = subjectLine(S.subject);
  $("h-service").textContent = parent ? localized(parent.title) : t("serviceH");
  $("service-list").replaceChildren(...nodes.map((node) => h("li", {},
    h("button", { type: "button", class: "service", "data-service": node.id, onclick: () => chooseService(node) },
      h("span", { class: "service-title", text: localized(node.title) }),
      node.description ? h("span", { class: "service-desc", text: localized(node.description) }) : null))));
}
function chooseService(node) {
  if (node.children && node.children.length) { S.path.push(node); go("service"); return; }
  if (S.service !== node) { S.answers = {}; clearDrafts(); }
  S.service = node;
  go("questions");
}

export function startServices() {
  views.service = renderServices;
  $("service-back").addEventListener("click", () => { if (S.path.length) { S.path.pop(); go("service"); } else go("subject"); });
}
