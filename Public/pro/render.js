// The tiny render-request module: each view registers here how it draws its part (and the one thing
// others ask of it), and any module asks through `views`, so no view imports another and the cycles
// (dropping a case opens the next, which redraws the list that can drop a case) need no import.
// Drawing is synchronous; a slot not registered yet does nothing.
const nothing = () => {};
export const views = {
  queue: nothing,        // the waiting list
  filter: nothing,       // the waiting list's filter (its queue choices)
  callBacks: nothing,    // the call list
  callPanel: nothing,    // the open case's call, when it is a call-back (a promise while its code loads)
  mine: nothing,         // my cases
  case: nothing,         // the open case, whole
  messages: nothing,     // (c) the open case's timeline
  notes: nothing,        // (c) the open case's internal notes
  shifts: nothing,       // my queues and shifts
  admin: nothing,        // the users-and-queues table
  lock: nothing,         // the lock screen's queue count
  loadAdmin: nothing,    // fetch the users-and-queues table
  openPhoto: nothing,    // (caseId, photoId, opener) the photo at full size
};
