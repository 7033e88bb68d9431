-- When a conversation's content was deleted by retention (its statistics row stays).
ALTER TABLE conversations ADD COLUMN purged_at INTEGER;
