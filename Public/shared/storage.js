// localStorage that never throws (private mode, storage turned off): a value not kept is just not kept.

export function store(key, value) {
  try { value == null ? localStorage.removeItem(key) : localStorage.setItem(key, value); } catch { /* not kept */ }
}
export function load(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}
