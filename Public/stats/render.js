// The render-request module, as in the workspace: each view registers here how it draws its part, and
// any module asks through `views`, so no view imports another. Drawing is synchronous; a slot not
// registered yet does nothing.
const nothing = () => {};
export const views = {
  filters: nothing,   // the range, queue and service pickers, and the API's field errors
  status: nothing,    // the line saying what the report shows (or that it loads)
  figures: nothing,   // key figures, outcomes, whose matter
  times: nothing,     // per hour, per day, per weekday: charts and tables
  groups: nothing,    // per queue, per service
  callBacks: nothing, // call-back requests: how they ended, per window of the day
  flags: nothing,     // red flags
  comments: nothing,  // feedback comments
  live: nothing,      // (news) the live overview; `news` the queues whose past-target count rose
  denied: nothing,    // the statistics are not for this account
  log: nothing,       // the access log: its form's errors, the search's status and results
  logReset: nothing,  // the access log forgotten: its form emptied (signing out)
};

// Every part that shows the report.
export function drawReport() {
  views.status();
  views.figures();
  views.times();
  views.groups();
  views.callBacks();
  views.flags();
  views.comments();
}
