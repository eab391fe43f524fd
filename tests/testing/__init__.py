"""Tests of meltemi.testing's fakes for action plugin authors."""
