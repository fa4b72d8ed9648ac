"""The domain in plain Python: dataclasses, enums, date and identifier helpers. No Qt, no SQL, no files."""
