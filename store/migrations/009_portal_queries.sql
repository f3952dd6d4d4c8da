-- Completed queries of a search-portal input, written as each completes: the store's copy of the
-- ingest activity's checkpoint (whose heartbeat holds only query ids and counts), with the first
-- page's URL and stored body for lineage. `source_key` is the portal input's key for the run.
CREATE TABLE portal_queries (
  source_key    text NOT NULL,
  query_id      text NOT NULL,
  count         integer NOT NULL,
  pages         integer NOT NULL,
  url           text NOT NULL,
  page_sha256   text NOT NULL,
  fetched_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source_key, query_id)
);
