-- Annual values of $history (kind 'actual') and $projection (kind 'projection') for $area.
SELECT year, value, 'actual' AS kind FROM core.indicator_values
WHERE indicator_id = $history AND area_code = $area AND month IS NULL
UNION ALL
SELECT year, value, 'projection' AS kind FROM core.indicator_values
WHERE indicator_id = $projection AND area_code = $area AND month IS NULL
ORDER BY kind, year
