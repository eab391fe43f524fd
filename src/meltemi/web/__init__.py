"""meltemi.web."""
