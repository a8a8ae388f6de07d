-- Years with municipal values of $indicator, or, for an indicator published only for regions (no
-- municipal values at all), the years of its complete region values.
SELECT DISTINCT year FROM core.indicator_values WHERE indicator_id = $indicator
UNION
SELECT DISTINCT g.year
FROM core.group_values g JOIN core.areas a ON a.area_code = g.group_code
WHERE g.indicator_id = $indicator AND a.kind = 'region' AND g.complete
  AND NOT EXISTS (SELECT 1 FROM core.indicator_values v WHERE v.indicator_id = $indicator)
ORDER BY year
