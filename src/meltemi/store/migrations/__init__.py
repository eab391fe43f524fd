"""Alembic migrations of the Meltemi database."""
