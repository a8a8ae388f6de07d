"""Seutu Invest In dashboard: Dash pages over the DuckDB warehouse."""
