"""The pipeline file: its schema, model, format migrations, validation and graph algorithms."""
