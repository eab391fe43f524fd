"""meltemi.worker."""
