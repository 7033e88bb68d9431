-- The language the resident uses (the page's, when they answered the
-- pre-questions): professionals see it on the case and in the queue, and the
-- closing draft and ready replies come in it. NULL for older conversations.
ALTER TABLE conversations ADD COLUMN language TEXT CHECK (language IS NULL OR language IN ('fi', 'sv', 'en'));
