// The page's tables of numbers: a caption, column headers and a row header in each row; number columns
// right-aligned. A table sits in a box that scrolls sideways on a narrow screen (the page itself never
// does), which the keyboard can reach and scroll.
import { h } from "../shared/dom.js";

// `columns`: [{ label, num }]; `rows`: arrays of cells (text), the first one the row's header.
export function dataTable({ id, caption, columns, rows, captionHidden = false }) {
  const captionId = id + "-caption";
  return h("div", { class: "table-wrap", tabindex: "0", role: "group", "aria-labelledby": captionId },
    h("table", { id, class: "data-table" },
      h("caption", { id: captionId, class: captionHidden ? "visually-hidden" : null, text: caption }),
      h("thead", null, h("tr", null, columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : null, text: c.label })))),
      h("tbody", null, rows.map((cells) => h("tr", null,
        cells.map((cell, j) => j === 0
          ? h("th", { scope: "row", text: cell })
          : h("td", { class: columns[j].num ? "num" : null, text: cell })))))));
}

// A small bar for a share from 0 to 1 beside its number (the number is the text). The width is set through
// the style object: the page's Content-Security-Policy refuses style attributes.
export function shareBar(x) {
  const fill = h("span");
  fill.style.width = `${Math.round(Math.max(0, Math.min(1, x || 0)) * 100)}%`;
  return h("span", { class: "share-bar", "aria-hidden": "true" }, fill);
}
