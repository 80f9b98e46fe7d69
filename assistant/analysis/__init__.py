"""The deterministic analysis layer: stages, sentiment, emotion, themes, personas, emotion curves."""
