"""Jobs: parameter sweeps and schedules over a pipeline's runs (see docs/architecture.md)."""
