"""The only code that speaks SQL: the encrypted database, its schema, migrations and repositories."""
