"""meltemi.api."""
