"""Executors: where and how a step's notebook is executed (interface, local worker pool)."""
