"""The run log: what is recorded about every run (models) and where it is kept (store)."""
