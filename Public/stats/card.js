// A key figure as a card in a <dl>: its name first (as a screen reader reads it), the number large, then
// what the number is of. `key` names the card for the tests and the stylesheet.
import { h } from "../shared/dom.js";

export function figure(key, label, value, sub) {
  return h("div", { class: "figure", dataset: { figure: key } },
    h("dt", { text: label }),
    h("dd", { class: "figure-value", text: value }),
    sub ? h("dd", { class: "figure-sub", text: sub }) : null);
}
