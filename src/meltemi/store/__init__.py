"""meltemi.store."""
