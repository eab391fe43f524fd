"""Meltemi: a durable workflow service speaking Mistral DSL v2 and REST API v2."""

__version__ = "0.1.0"
