"""Sample action plugins used by Meltemi's tests."""
