-- Every municipality with its value of $indicator in $year: the value of the year's latest
-- month for monthly series (annual rows have month NULL, which IS NOT DISTINCT FROM the max of
-- a series without months).
WITH v AS (
    SELECT area_code, month, value FROM core.indicator_values
    WHERE indicator_id = $indicator AND year = $year
),
latest AS (
    SELECT area_code, value FROM v
    WHERE month IS NOT DISTINCT FROM (SELECT max(month) FROM v)
)
SELECT a.area_code,
       CASE $lang WHEN 'sv' THEN a.name_sv WHEN 'en' THEN a.name_en ELSE a.name_fi END AS name,
       latest.value, a.is_network, a.is_university_city
FROM core.areas a LEFT JOIN latest USING (area_code)
WHERE a.kind = 'municipality'
ORDER BY a.area_code
