// Step 2's opening hours, before the questions: beside each service with questions, whether its usual queue
// (queues[0]) is open now or when it opens next (Finnish time), and whether a call-back can be asked for now.
// main.js loads this module when the service list is first drawn; its texts join the page's table here.
import { t, lang } from "../shared/i18n.js";
import { serverNow } from "../shared/api.js";
import { clockOfDay } from "../shared/time.js";
import { S } from "./state.js";
import { STRINGS } from "./strings.js";
import { views } from "./render.js";

const TEXTS = {
  fi: { shOpen: "Avoinna nyt", shOpens: "Suljettu, avautuu {when}", shClosed: "Suljettu", shToday: "tänään",
    shCallBack: "Takaisinsoitto mahdollinen" },
  sv: { shOpen: "Öppet nu", shOpens: "Stängt, öppnar {when}", shClosed: "Stängt", shToday: "i dag",
    shCallBack: "Återuppringning möjlig" },
  en: { shOpen: "Open now", shOpens: "Closed, opens {when}", shClosed: "Closed", shToday: "today",
    shCallBack: "Call-back available" },
};
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const mins = (hm) => { const [hh, mm] = hm.split(":"); return hh * 60 + Number(mm); };

// An instant in Finland: weekday (Monday 0) and minutes since midnight.
function finnish(at) {
  const p = {};
  for (const x of new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Helsinki", weekday: "short", hour: "2-digit",
    minute: "2-digit", hourCycle: "h23" }).formatToParts(at)) p[x.type] = x.value;
  return { day: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(p.weekday), min: (Number(p.hour) % 24) * 60 + Number(p.minute) };
}

// Open now, or when it opens next ({ inDays, day, at: "08:00" }); null when it has no hours at all.
function nextOpening(hours, at) {
  const now = finnish(at);
  for (let i = 0; i < 8; i++) {
    const d = (now.day + i) % 7;
    for (const [a, b] of hours?.[DAYS[d]] || []) {
      if (i === 0 && mins(a) <= now.min && now.min < mins(b)) return { open: true };
      if (i > 0 || mins(a) > now.min) return { open: false, inDays: i, day: d, at: a };
    }
  }
  return null;
}

function words(queue) {
  const s = nextOpening(queue.openingHours, new Date(serverNow()));
  const open = !!s?.open;
  let text = open ? t("shOpen") : !s ? t("shClosed") : t("shOpens", { when: (s.inDays === 0 ? t("shToday")
    : new Intl.DateTimeFormat(lang + "-FI", { weekday: "short", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 1 + s.day))))
    + " " + clockOfDay(s.at) });
  const offer = queue.callBack?.offer;
  if (offer === "always" || (offer === "whenClosed" && !open)) text += " · " + t("shCallBack");
  return text;
}

function label() {
  const parent = S.path[S.path.length - 1];
  const queues = new Map((S.catalog?.queues || []).map((q) => [q.id, q]));
  for (const node of parent ? parent.children || [] : (S.catalog?.services || [])) {
    const queue = node.questions && queues.get(node.queues?.[0]);
    const button = queue && document.querySelector(`#service-list [data-service="${CSS.escape(node.id)}"]`);
    if (!button) continue;
    // Beside the button, not in it (its name stays the service's title), and read with it as its description.
    const id = "hours-" + node.id;
    button.after(Object.assign(document.createElement("p"), { id, className: "hint service-hours", textContent: words(queue) }));
    button.setAttribute("aria-describedby", id);
  }
}

export function startHours() {
  for (const [l, table] of Object.entries(TEXTS)) Object.assign(STRINGS[l], table);
  const draw = views.service;
  views.service = () => { draw(); label(); };
  if (S.step === "service") label();
}
