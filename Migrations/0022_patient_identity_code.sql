-- The patient's personal identity code when it is not the acting resident's: a child's,
-- given by their identified guardian. The access log finds the child's matters by it (the
-- register keeper answers a log request made for the child), and retention keeps it, as it
-- keeps the guardian's on resident_sessions: the log outlives the content.
ALTER TABLE conversations ADD COLUMN patient_identity_code TEXT;
CREATE INDEX conversations_by_patient_identity ON conversations(patient_identity_code) WHERE patient_identity_code IS NOT NULL;
