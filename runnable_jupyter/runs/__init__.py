"""Runs: starting, scheduling, recording, cancelling and retrying runs of a pipeline."""
