-- Every annual municipal value (the input of peers on a chosen profile).
SELECT indicator_id, area_code, year, month, value FROM core.indicator_values
WHERE month IS NULL
