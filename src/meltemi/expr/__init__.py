"""meltemi.expr."""
