"""The data layer: models, engine, services. Never imports textual."""
