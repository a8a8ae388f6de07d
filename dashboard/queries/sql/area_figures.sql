-- Every value of the $indicators for the $areas (municipalities and groups alike) with the
-- source it came from and, for a group's value, whether every member had one: what a card needs
-- to name the table of each figure it shows and the whole country's value for the same period.
SELECT indicator_id, area_code, year, CAST(month AS DATE) AS month, value, source_id, complete
FROM core.all_values
WHERE list_contains($areas, area_code) AND list_contains($indicators, indicator_id)
  AND value IS NOT NULL
ORDER BY indicator_id, area_code, year, month
