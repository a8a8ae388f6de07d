-- The monthly series $indicator of the municipality $area.
SELECT area_code, month, value FROM core.indicator_values
WHERE indicator_id = $indicator AND area_code = $area AND month IS NOT NULL
ORDER BY month
