-- Continuity of care: a case from an identified resident whose earlier case a
-- professional closed recently is offered to that professional first, until
-- offered_until; then the whole queue sees it.
ALTER TABLE conversations ADD COLUMN offered_to INTEGER REFERENCES professionals(id);
ALTER TABLE conversations ADD COLUMN offered_until INTEGER;
