// Photos waiting to be sent survive a reload or a lost connection: each is kept in IndexedDB (the file
// itself, with its X-Client-Id) until the server has answered for it; a page that opens the conversation
// again sends what is left (photos.js). The id makes a repeat harmless.

// A health photo must not linger on a shared computer: kept at most a day, and only for the open matter.
export const UPLOAD_KEEP_MS = 24 * 3600 * 1000;

function uploadsDB() {
  return new Promise((resolve, reject) => {
    if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
    const open = indexedDB.open("neuvo-uploads", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("uploads", { keyPath: "clientId" });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}
async function withUploads(mode, work) {
  const db = await uploadsDB();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction("uploads", mode);
      const result = work(tx.objectStore("uploads"));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  } finally { db.close(); }
}

export async function keepUpload(item) {
  try { await withUploads("readwrite", (st) => st.put({ clientId: item.clientId, conv: item.conv, file: item.file, at: Date.now() })); } catch { /* kept in memory only */ }
}
export async function forgetUpload(item) {
  try { await withUploads("readwrite", (st) => st.delete(item.clientId)); } catch { /* nothing kept */ }
}
// Everything kept, or null when IndexedDB cannot be read.
export async function keptUploads() {
  try { return (await withUploads("readonly", (st) => st.getAll())) || []; } catch { return null; }
}
