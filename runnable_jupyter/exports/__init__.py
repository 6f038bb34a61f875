"""Pipelines compiled for other tools: a standalone papermill script (and orchestrators)."""
