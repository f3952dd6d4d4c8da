-- A source file's observations are keyed by its bytes and by how they were read (layout, layout
-- declaration, options), so a changed declaration re-reads unchanged bytes. `file_sha256` keeps the
-- hash of the bytes themselves for lineage (NULL: the key is the bytes' hash).
ALTER TABLE source_files ADD COLUMN file_sha256 text;
