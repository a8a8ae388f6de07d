-- The `sources` lists (comma-separated source ids) of the $indicators.
SELECT sources FROM core.indicators WHERE list_contains($indicators, indicator_id)
