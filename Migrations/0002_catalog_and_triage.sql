-- The service catalog (imported JSON documents) and each conversation's
-- pre-questionnaire: whose matter, which service, the answers, and where they led.

CREATE TABLE catalogs (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    version      TEXT    NOT NULL UNIQUE,
    document     TEXT    NOT NULL,
    imported_at  INTEGER NOT NULL
);

ALTER TABLE conversations ADD COLUMN catalog_version TEXT;
ALTER TABLE conversations ADD COLUMN service_id TEXT;
-- JSON: {"kind": "self" | "child" | "otherAdult", ...}
ALTER TABLE conversations ADD COLUMN subject TEXT;
-- JSON object: question id -> answer, as validated.
ALTER TABLE conversations ADD COLUMN answers TEXT;
-- 'queued' or 'redFlag'; a red flag closes the conversation but is still counted.
ALTER TABLE conversations ADD COLUMN outcome TEXT;
ALTER TABLE conversations ADD COLUMN red_flag TEXT;
ALTER TABLE conversations ADD COLUMN queue_id TEXT;
-- 0 urgent, 1 soon, 2 normal: the queue is ordered by rank, then by queued_at.
ALTER TABLE conversations ADD COLUMN urgency_rank INTEGER;
ALTER TABLE conversations ADD COLUMN routing_reason TEXT;
ALTER TABLE conversations ADD COLUMN queued_at INTEGER;

CREATE INDEX conversations_waiting ON conversations(queue_id, urgency_rank, queued_at) WHERE status = 'queued';
