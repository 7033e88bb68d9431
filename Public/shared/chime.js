// A short tone made with Web Audio, so no sound file has to be fetched. Browsers start audio only
// after a user gesture: each page wakes it on the first key or click (wakeAudio), and a tone asked
// for before that is simply not heard.

let context = null;

export function wakeAudio() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return null;
  try {
    if (!context) context = new Ctx();
    if (context.state === "suspended") context.resume().catch(() => {});
  } catch { return null; }
  return context;
}

// One soft tone per frequency in `notes`, one after another.
export function chime(notes = [880]) {
  try {
    const ctx = wakeAudio();
    if (!ctx) return;
    let t0 = ctx.currentTime;
    for (const frequency of notes) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.25, t0 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.25);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0);
      osc.stop(t0 + 0.3);
      t0 += 0.2;
    }
  } catch { /* sound is a nicety */ }
}
