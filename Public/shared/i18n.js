// Text in the page's language. Each page registers its own strings table once; `lang` is a live
// binding, so every module that imports it sees a switch at once.

let table = {};
let fallback = "fi";
export let lang = "fi";

export function useStrings(strings, fallbackLang) {
  table = strings;
  fallback = fallbackLang;
}
export function setLang(next) { lang = next; }
export const hasLang = (l) => Object.prototype.hasOwnProperty.call(table, l);

// The text for `key` ({name} filled from `vars`, a missing value as nothing); a key missing in the
// language comes from the fallback language, then the key itself. A non-text entry (a list) as it is.
export function t(key, vars) {
  let s = table[lang]?.[key] ?? table[fallback]?.[key] ?? key;
  if (vars && typeof s === "string") s = s.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? "");
  return s;
}

// A text the server sends in every language ({fi, sv, en}), or one plain string.
export function localized(text) {
  if (!text) return "";
  if (typeof text === "string") return text;
  return text[lang] || text.fi || text.en || text.sv || "";
}

export const cap = (s) => (s ? s[0].toLocaleUpperCase(lang) + s.slice(1) : s);

// The page's fixed texts: every element with `data-<attribute>="key"` gets t(key).
export function translateStatic(attribute) {
  for (const node of document.querySelectorAll(`[data-${attribute}]`)) node.textContent = t(node.dataset[attribute]);
}
