-- Strong identification of residents: verified by an identity-aware reverse
-- proxy ('proxy'), or the clearly marked test identification of demo mode ('demo').
ALTER TABLE resident_sessions ADD COLUMN identity_code TEXT;
ALTER TABLE resident_sessions ADD COLUMN identity_name TEXT;
ALTER TABLE resident_sessions ADD COLUMN identity_method TEXT CHECK (identity_method IN ('proxy', 'demo'));
ALTER TABLE resident_sessions ADD COLUMN identified_at INTEGER;
