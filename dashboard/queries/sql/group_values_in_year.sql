-- Complete aggregate values of the $groups for $indicator in $year (the year's latest month).
WITH v AS (
    SELECT group_code, month, value FROM core.group_values
    WHERE indicator_id = $indicator AND year = $year AND list_contains($groups, group_code)
      AND complete
)
SELECT v.group_code AS area_code,
       CASE $lang WHEN 'sv' THEN a.name_sv WHEN 'en' THEN a.name_en ELSE a.name_fi END AS name,
       v.value
FROM v JOIN core.areas a ON a.area_code = v.group_code
WHERE v.month IS NOT DISTINCT FROM (SELECT max(month) FROM v)
