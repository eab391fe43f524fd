"""meltemi.engine."""
