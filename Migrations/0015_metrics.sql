-- The metrics count the exports the record system has not acknowledged at
-- every scrape; so does its `unacknowledged=true` pull. Only those rows are indexed.
CREATE INDEX record_exports_unacknowledged ON record_exports(seq) WHERE acknowledged_at IS NULL;
