-- What a layout reported about a file that is not an error (e.g. repeated records counted once), kept
-- with its observations so a cached file reports it again; and the page URL of a web observation
-- (its `source_file` is the manifest entry that defined the query).
ALTER TABLE source_files ADD COLUMN notes jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE observations ADD COLUMN url text NOT NULL DEFAULT '';
