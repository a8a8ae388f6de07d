-- Every municipality with its REGION's complete value of $indicator in $year (the year's latest
-- month), for indicators published only for regions: area_code, name (the municipality's),
-- region_code, region (the region's name), value, is_network, is_university_city.
WITH v AS (
    SELECT group_code, month, value FROM core.group_values
    WHERE indicator_id = $indicator AND year = $year AND complete
),
latest AS (
    SELECT group_code, value FROM v
    WHERE month IS NOT DISTINCT FROM (SELECT max(month) FROM v)
)
SELECT m.area_code,
       CASE $lang WHEN 'sv' THEN m.name_sv WHEN 'en' THEN m.name_en ELSE m.name_fi END AS name,
       m.region_code,
       CASE $lang WHEN 'sv' THEN r.name_sv WHEN 'en' THEN r.name_en ELSE r.name_fi END AS region,
       latest.value, m.is_network, m.is_university_city
FROM core.areas m
JOIN core.areas r ON r.area_code = m.region_code
LEFT JOIN latest ON latest.group_code = m.region_code
WHERE m.kind = 'municipality'
ORDER BY m.area_code
