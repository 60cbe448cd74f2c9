"""The only package that speaks SQL: engine, schema, migrations and queries."""
