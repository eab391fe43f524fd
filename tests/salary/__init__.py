"""The salary example (examples/salary) end to end."""
