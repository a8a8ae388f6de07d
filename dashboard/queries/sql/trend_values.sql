-- Time series of $indicator for the municipalities $areas and the groups $groups: `period` is
-- the month for monthly rows and 1 January of the year for annual ones (groups: complete values).
WITH v AS (
    SELECT area_code, year, month, value,
           CASE WHEN kind = 'municipality' THEN 'municipality' ELSE 'group' END AS kind
    FROM core.all_values
    WHERE indicator_id = $indicator AND complete
      AND CASE WHEN kind = 'municipality' THEN list_contains($areas, area_code)
               ELSE list_contains($groups, area_code) END
)
SELECT v.area_code,
       CASE $lang WHEN 'sv' THEN a.name_sv WHEN 'en' THEN a.name_en ELSE a.name_fi END AS name,
       v.kind, v.year,
       coalesce(CAST(v.month AS DATE), make_date(v.year, 1, 1)) AS period,
       v.month IS NULL AS annual, v.value
FROM v JOIN core.areas a USING (area_code)
ORDER BY v.kind DESC, name, period
