"""meltemi.cli."""
