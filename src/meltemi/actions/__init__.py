"""meltemi.actions."""
