// "My condition has changed" in Finnish, Swedish and English, loaded with retriage.js (which adds them to the
// page's table) only when a matter waits in a queue.

export const RETRIAGE_STRINGS = {
  fi: {
    rgOpen: "Vointini on muuttunut", rgH: "Vointisi on muuttunut: {s}",
    rgNote: "Vastaa kysymyksiin uudelleen. Aiemmat vastauksesi on täytetty valmiiksi. Pidät paikkasi jonossa, kun vastaat. Uusia kuvia voit lähettää keskusteluun.",
    rgNoteEmpty: "Vastaa kysymyksiin uudelleen. Pidät paikkasi jonossa, kun vastaat. Uusia kuvia voit lähettää keskusteluun.",
    rgDone: "Kiitos, vastauksesi on päivitetty. Kiireellisyys nyt: {u}.",
    rgNotWaiting: "Vastauksia ei voi enää päivittää, koska asiasi ei ole enää jonossa.",
    rgRedflagNote: "Uusien vastaustesi perusteella asia ei voi odottaa chatissa. Asiasi poistettiin jonosta.",
    rgLevels: { urgent: "kiireellinen", soon: "puolikiireellinen", normal: "kiireetön" }
  },
  sv: {
    rgOpen: "Mitt tillstånd har ändrats", rgH: "Ditt tillstånd har ändrats: {s}",
    rgNote: "Svara på frågorna igen. Dina tidigare svar är ifyllda. Du behåller din plats i kön medan du svarar. Nya bilder kan du skicka i chatten.",
    rgNoteEmpty: "Svara på frågorna igen. Du behåller din plats i kön medan du svarar. Nya bilder kan du skicka i chatten.",
    rgDone: "Tack, dina svar har uppdaterats. Brådskande grad nu: {u}.",
    rgNotWaiting: "Svaren kan inte längre uppdateras, eftersom ditt ärende inte längre står i kön.",
    rgRedflagNote: "Utifrån dina nya svar kan ärendet inte vänta i chatten. Ärendet togs bort ur kön.",
    rgLevels: { urgent: "brådskande", soon: "snart", normal: "icke brådskande" }
  },
  en: {
    rgOpen: "My condition has changed", rgH: "Your condition has changed: {s}",
    rgNote: "Answer the questions again. Your earlier answers are filled in. You keep your place in the queue while you answer. New photos can be sent in the chat.",
    rgNoteEmpty: "Answer the questions again. You keep your place in the queue while you answer. New photos can be sent in the chat.",
    rgDone: "Thank you, your answers have been updated. Urgency now: {u}.",
    rgNotWaiting: "The answers can no longer be updated, as your matter is no longer in the queue.",
    rgRedflagNote: "Based on your new answers this cannot wait for the chat. Your matter was taken out of the queue.",
    rgLevels: { urgent: "urgent", soon: "soon", normal: "non-urgent" }
  }
};
