"""Worker integration tests."""
