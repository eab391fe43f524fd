"""Example Meltemi action plugin."""
