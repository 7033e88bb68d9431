// The transfer and consult dialogs' extra words (the current queue, who is on shift, the note for the
// receiver) in Finnish, Swedish and English, loaded with dialog-more.js, which adds them to the page's table.

export const DIALOG_STRINGS = {
  fi: {
    dmCurrent: "(nykyinen jono)", dmOnShift: "vuorossa: {queues}", dmOffShift: "ei vuorossa",
    dmNote: "Viesti vastaanottajalle (sisäinen)",
    dmNoteHint: "Tallentuu asian sisäiseksi muistiinpanoksi. Asiakas ei näe tätä.",
  },
  sv: {
    dmCurrent: "(nuvarande kö)", dmOnShift: "i tjänst: {queues}", dmOffShift: "inte i tjänst",
    dmNote: "Meddelande till mottagaren (internt)",
    dmNoteHint: "Sparas som en intern anteckning i ärendet. Klienten ser den inte.",
  },
  en: {
    dmCurrent: "(current queue)", dmOnShift: "on shift: {queues}", dmOffShift: "not on shift",
    dmNote: "Message to the receiver (internal)",
    dmNoteHint: "Saved as an internal note on the case. The client does not see it.",
  },
};
