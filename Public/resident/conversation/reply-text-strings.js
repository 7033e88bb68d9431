// The texts of "text me when a professional answers" in Finnish, Swedish and English, loaded with
// reply-text.js (which adds them to the page's table) only when a matter waits in the queue or is handled.

export const REPLY_TEXT_STRINGS = {
  fi: {
    rtOpen: "Lähetä minulle tekstiviesti, kun ammattilainen vastaa",
    rtWhy: "Valinnainen. Viestissä on vain tieto vastauksesta ja palvelun nimi – ei terveystietoja.",
    rtPhone: "Matkapuhelinnumerosi", rtPhoneHint: "Suomalainen matkapuhelinnumero, esimerkiksi 040 123 4567",
    rtSave: "Tilaa tekstiviesti",
    rtOn: "Lähetämme tekstiviestin numeroon {phone}, kun ammattilainen vastaa.",
    rtOnHint: "Viestissä on vain palvelun nimi, ei terveystietoja. Jos kirjoitat lisää, saat uuden viestin, kun ammattilainen vastaa siihen.",
    rtStop: "Lopeta tekstiviestit", rtMade: "Tekstiviesti tilattu.", rtStopped: "Tekstiviestit lopetettu. Numerosi poistettiin.",
    rtEmpty: "Anna matkapuhelinnumero.",
    rtBadPhone: "Tarkista numero: anna suomalainen matkapuhelinnumero, esimerkiksi 040 123 4567.",
    rtNotMobile: "Tekstiviestin voi lähettää vain matkapuhelinnumeroon (04x tai 050). Anna matkapuhelinnumero.",
    rtLimit: "Tähän numeroon on tänään jo tilattu tekstiviestit kolmessa asiassa. Seuraa vastausta tällä sivulla.",
    rtClosed: "Asiasi on jo päättynyt, joten tekstiviestiä ei voi enää tilata."
  },
  sv: {
    rtOpen: "Skicka mig ett sms när en yrkesperson svarar",
    rtWhy: "Frivilligt. I meddelandet står bara att du har fått svar och tjänstens namn – inga hälsouppgifter.",
    rtPhone: "Ditt mobilnummer", rtPhoneHint: "Ett finländskt mobilnummer, till exempel 040 123 4567",
    rtSave: "Beställ sms",
    rtOn: "Vi skickar ett sms till {phone} när en yrkesperson svarar.",
    rtOnHint: "Meddelandet innehåller bara tjänstens namn, inga hälsouppgifter. Om du skriver mer får du ett nytt sms när en yrkesperson svarar på det.",
    rtStop: "Sluta skicka sms", rtMade: "Sms beställt.", rtStopped: "Inga fler sms. Ditt nummer har raderats.",
    rtEmpty: "Ange ett mobilnummer.",
    rtBadPhone: "Kontrollera numret: ange ett finländskt mobilnummer, till exempel 040 123 4567.",
    rtNotMobile: "Sms kan bara skickas till ett mobilnummer (04x eller 050). Ange ett mobilnummer.",
    rtLimit: "Numret har redan angetts för sms i tre ärenden i dag. Följ svaret på den här sidan.",
    rtClosed: "Ditt ärende har redan avslutats, så sms kan inte längre beställas."
  },
  en: {
    rtOpen: "Text me when a professional answers",
    rtWhy: "Optional. The text only says that you have an answer, and the service's name – no health details.",
    rtPhone: "Your mobile number", rtPhoneHint: "A Finnish mobile number, for example 040 123 4567",
    rtSave: "Text me",
    rtOn: "We will text {phone} when a professional answers.",
    rtOnHint: "The text has only the service's name, no health details. If you write more, you get a new text when a professional answers it.",
    rtStop: "Stop texts", rtMade: "Text message set up.", rtStopped: "Texts stopped. Your number has been deleted.",
    rtEmpty: "Enter a mobile number.",
    rtBadPhone: "Check the number: enter a Finnish mobile number, for example 040 123 4567.",
    rtNotMobile: "Texts go to mobile numbers only (04x or 050). Enter a mobile number.",
    rtLimit: "This number has already been given for texts in three matters today. Follow the answer on this page.",
    rtClosed: "Your matter has ended, so texts can no longer be set up."
  }
};
