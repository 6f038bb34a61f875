"""The Jupyter server extension: a thin REST + events layer over the engine."""
