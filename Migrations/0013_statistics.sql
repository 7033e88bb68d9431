-- Statistics for service managers, and the manager role.
--
-- A conversation's row is its statistics row: retention deletes the content
-- but keeps the row. What statistics need beyond the row's own times is kept
-- on it by triggers, in the transaction of the change, so no code path can
-- forget it and nothing is lost when retention deletes messages and events.

-- Managers read statistics and the live overview of the queues they manage,
-- never a case. SQLite cannot change a CHECK constraint in place; widening one
-- may be written into the schema directly (the simpler procedure of the ALTER
-- TABLE documentation, §7), since every existing row satisfies the wider check.
-- Rebuilding the table instead would make SQLite scan every table that refers
-- to a professional, once per professional. The tables created below bump the
-- schema version, and the store reopens its writer after migrating.
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(sql, '''admin''))', '''admin'', ''manager''))')
    WHERE type = 'table' AND name = 'professionals';
PRAGMA writable_schema = OFF;
-- The migration fails, changing nothing, unless the new role is in the schema now.
CREATE TEMP TABLE widened (ok INTEGER CHECK (ok));
INSERT INTO widened SELECT instr(sql, '''manager''') > 0 FROM sqlite_master WHERE type = 'table' AND name = 'professionals';
DROP TABLE widened;

-- The queues a manager sees the numbers of (administrators see all).
CREATE TABLE queue_managers (
    professional_id  INTEGER NOT NULL REFERENCES professionals(id),
    queue_id         TEXT    NOT NULL,
    PRIMARY KEY (professional_id, queue_id)
) WITHOUT ROWID;

-- 'self' | 'child' | 'otherAdult', kept when retention deletes `subject`.
ALTER TABLE conversations ADD COLUMN subject_kind TEXT;
-- 1 when the resident was strongly identified while the matter was open.
ALTER TABLE conversations ADD COLUMN identified INTEGER NOT NULL DEFAULT 0;
-- The queue the pre-questions routed it to; a transfer does not move its statistics.
ALTER TABLE conversations ADD COLUMN first_queue_id TEXT;
-- The first professional message.
ALTER TABLE conversations ADD COLUMN first_reply_at INTEGER;
ALTER TABLE conversations ADD COLUMN transfers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN consultations INTEGER NOT NULL DEFAULT 0;
-- 'call112' | 'call116117' when a red flag stopped the pre-questions.
ALTER TABLE conversations ADD COLUMN red_flag_action TEXT;
-- The resident's 0–10 answer, when given, and whether it came with a comment.
ALTER TABLE conversations ADD COLUMN feedback_score INTEGER;
ALTER TABLE conversations ADD COLUMN feedback_commented INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER statistics_on_triage
AFTER UPDATE OF outcome ON conversations
WHEN OLD.outcome IS NULL AND NEW.outcome IS NOT NULL
BEGIN
    UPDATE conversations SET
        subject_kind = json_extract(NEW.subject, '$.kind'),
        identified = identified OR COALESCE((SELECT identity_code IS NOT NULL FROM resident_sessions WHERE id = NEW.resident_session_id), 0),
        first_queue_id = NEW.queue_id
    WHERE id = NEW.id;
END;

CREATE TRIGGER statistics_on_identification
AFTER UPDATE OF identity_code ON resident_sessions
WHEN NEW.identity_code IS NOT NULL
BEGIN
    UPDATE conversations SET identified = 1
    WHERE resident_session_id = NEW.id AND status IN ('open', 'queued', 'active', 'callBack') AND identified = 0;
END;

CREATE TRIGGER statistics_on_first_reply
AFTER INSERT ON messages
WHEN NEW.author = 'professional'
BEGIN
    UPDATE conversations SET first_reply_at = NEW.created_at WHERE id = NEW.conversation_id AND first_reply_at IS NULL;
END;

CREATE TRIGGER statistics_on_event
AFTER INSERT ON events
WHEN NEW.type IN ('transferred', 'consulted', 'redFlag')
BEGIN
    UPDATE conversations SET
        transfers = transfers + (NEW.type = 'transferred'),
        consultations = consultations + (NEW.type = 'consulted'),
        red_flag_action = CASE NEW.type WHEN 'redFlag' THEN json_extract(NEW.data, '$.action') ELSE red_flag_action END
    WHERE id = NEW.conversation_id;
END;

CREATE TRIGGER statistics_on_feedback
AFTER INSERT ON feedback
BEGIN
    UPDATE conversations SET feedback_score = NEW.score, feedback_commented = NEW.comment IS NOT NULL WHERE id = NEW.conversation_id;
END;

-- What was there before this migration, as far as it still exists.
UPDATE conversations SET
    subject_kind = json_extract(subject, '$.kind'),
    identified = COALESCE((SELECT identity_code IS NOT NULL FROM resident_sessions s WHERE s.id = resident_session_id), 0),
    first_queue_id = queue_id,
    first_reply_at = (SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = conversations.id AND m.author = 'professional'),
    transfers = (SELECT COUNT(*) FROM events e WHERE e.conversation_id = conversations.id AND e.type = 'transferred'),
    consultations = (SELECT COUNT(*) FROM events e WHERE e.conversation_id = conversations.id AND e.type = 'consulted'),
    red_flag_action = (SELECT json_extract(e.data, '$.action') FROM events e WHERE e.conversation_id = conversations.id AND e.type = 'redFlag'),
    feedback_score = (SELECT f.score FROM feedback f WHERE f.conversation_id = conversations.id),
    feedback_commented = COALESCE((SELECT f.comment IS NOT NULL FROM feedback f WHERE f.conversation_id = conversations.id), 0)
WHERE outcome IS NOT NULL;

-- Statistics read a day's conversations once per change of that day (NeuvoClinic's
-- StatisticsDays): these triggers bump the version of a conversation's UTC day in
-- the same transaction as any write that can change one of its statistics.
CREATE TABLE statistics_day_versions (
    day      INTEGER PRIMARY KEY,
    version  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER statistics_day_on_insert
AFTER INSERT ON conversations
BEGIN
    INSERT INTO statistics_day_versions (day, version) VALUES (NEW.created_at / 86400000, 1)
        ON CONFLICT (day) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER statistics_day_on_update
AFTER UPDATE OF created_at, first_queue_id, service_id, status, outcome, red_flag, red_flag_action, queued_at, picked_at,
    first_reply_at, closed_at, closing_outcome, transfers, consultations, subject_kind, identified, feedback_score,
    feedback_commented ON conversations
BEGIN
    INSERT INTO statistics_day_versions (day, version) VALUES (NEW.created_at / 86400000, 1)
        ON CONFLICT (day) DO UPDATE SET version = version + 1;
    INSERT INTO statistics_day_versions (day, version) SELECT OLD.created_at / 86400000, 1 WHERE OLD.created_at != NEW.created_at
        ON CONFLICT (day) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER statistics_day_on_delete
AFTER DELETE ON conversations
BEGIN
    INSERT INTO statistics_day_versions (day, version) VALUES (OLD.created_at / 86400000, 1)
        ON CONFLICT (day) DO UPDATE SET version = version + 1;
END;

INSERT INTO statistics_day_versions (day, version) SELECT DISTINCT created_at / 86400000, 1 FROM conversations;

-- A day of statistics is one range of this index: it holds all the columns
-- they read, so the table itself is not visited.
CREATE INDEX conversations_statistics ON conversations(created_at, first_queue_id, service_id, status, outcome, red_flag,
    red_flag_action, queued_at, picked_at, first_reply_at, closed_at, closing_outcome, transfers, consultations,
    subject_kind, identified, feedback_score, feedback_commented);
-- The live overview counts each queue's cases in handling.
CREATE INDEX conversations_in_handling ON conversations(queue_id) WHERE status = 'active';
