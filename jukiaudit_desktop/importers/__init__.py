"""File → validated rows: encodings, strict CSV / xlsx reading with line numbers, profiles, normalisation."""
