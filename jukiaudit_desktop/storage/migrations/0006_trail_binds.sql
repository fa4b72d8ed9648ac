-- issue 11: each trail entry binds the rows its change left behind (digests; see storage/bindings.py).
-- Entries written before this step have none; the first entry after it binds every row there is.
ALTER TABLE trail ADD COLUMN binds TEXT;
