-- A work queue's standing (its waiting cases in order, who is on shift, recent
-- picks) is derived once per change and shared by every waiting resident's
-- poll. queue_versions says when it changed: these triggers bump a queue's
-- version in the same transaction as any write that can move a position or the
-- wait estimate, whichever code path makes it.
CREATE TABLE queue_versions (
    queue_id  TEXT    PRIMARY KEY,
    version   INTEGER NOT NULL
) WITHOUT ROWID;

-- The pick-rate count of the wait estimate: picks from a queue since a time.
CREATE INDEX conversations_picked ON conversations(queue_id, picked_at) WHERE picked_at IS NOT NULL;

CREATE TRIGGER queue_version_on_case_change
AFTER UPDATE OF status, queue_id, urgency_rank, queued_at, picked_at ON conversations
WHEN OLD.status = 'queued' OR NEW.status = 'queued' OR OLD.picked_at IS NOT NEW.picked_at
BEGIN
    INSERT INTO queue_versions (queue_id, version) SELECT OLD.queue_id, 1 WHERE OLD.queue_id IS NOT NULL
        ON CONFLICT (queue_id) DO UPDATE SET version = version + 1;
    INSERT INTO queue_versions (queue_id, version) SELECT NEW.queue_id, 1 WHERE NEW.queue_id IS NOT NULL AND NEW.queue_id IS NOT OLD.queue_id
        ON CONFLICT (queue_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER queue_version_on_case_delete
AFTER DELETE ON conversations
WHEN OLD.status = 'queued' OR OLD.picked_at IS NOT NULL
BEGIN
    INSERT INTO queue_versions (queue_id, version) SELECT OLD.queue_id, 1 WHERE OLD.queue_id IS NOT NULL
        ON CONFLICT (queue_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER queue_version_on_shift_change
AFTER UPDATE OF on_shift_since, queue_id ON queue_memberships
BEGIN
    INSERT INTO queue_versions (queue_id, version) VALUES (OLD.queue_id, 1)
        ON CONFLICT (queue_id) DO UPDATE SET version = version + 1;
    INSERT INTO queue_versions (queue_id, version) SELECT NEW.queue_id, 1 WHERE NEW.queue_id IS NOT OLD.queue_id
        ON CONFLICT (queue_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER queue_version_on_member_insert
AFTER INSERT ON queue_memberships
BEGIN
    INSERT INTO queue_versions (queue_id, version) VALUES (NEW.queue_id, 1)
        ON CONFLICT (queue_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER queue_version_on_member_delete
AFTER DELETE ON queue_memberships
BEGIN
    INSERT INTO queue_versions (queue_id, version) VALUES (OLD.queue_id, 1)
        ON CONFLICT (queue_id) DO UPDATE SET version = version + 1;
END;

-- Disabling an account takes it off shift in the count of every queue it belongs to.
CREATE TRIGGER queue_version_on_account_change
AFTER UPDATE OF disabled_at ON professionals
BEGIN
    INSERT INTO queue_versions (queue_id, version)
        SELECT queue_id, 1 FROM queue_memberships WHERE professional_id = NEW.id AND true
        ON CONFLICT (queue_id) DO UPDATE SET version = version + 1;
END;
