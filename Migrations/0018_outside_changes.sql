-- Changes made by another process (the `neuvo` command line beside the running
-- server) that the server must act on at once: a disabled account's open page
-- and long polls end, the cases it handled reach their queues' pages. The
-- server reads this table every second; rows are small and few.
CREATE TABLE outside_changes (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Whose sessions ended (their long polls are woken to find out), if anyone's.
    professional_id  INTEGER,
    -- The events the change appended, first and last (to publish them), if any.
    first_event_seq  INTEGER,
    last_event_seq   INTEGER,
    at               INTEGER NOT NULL
);
