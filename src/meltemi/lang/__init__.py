"""meltemi.lang."""
