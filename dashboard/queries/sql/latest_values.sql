-- Per (indicator, municipality): the latest value, the previous one (the preceding year for
-- annual series, the same month a year earlier for monthly ones) and the values of the groups
-- $first_group, $second_group and $third_group for the same period (complete values only: a
-- group value some members lack is not shown as the group's). $areas / $indicators
-- NULL select every municipality / indicator.
WITH v AS (
    SELECT indicator_id, area_code, year, month, value,
           row_number() OVER (
               PARTITION BY indicator_id, area_code ORDER BY year DESC, month DESC NULLS LAST
           ) AS rn
    FROM core.indicator_values
    WHERE ($areas IS NULL OR list_contains($areas, area_code))
      AND ($indicators IS NULL OR list_contains($indicators, indicator_id))
)
SELECT l.indicator_id, l.area_code, l.year, l.month, l.value,
       p.year AS prev_year, p.month AS prev_month, p.value AS prev_value,
       g1.value AS value_first, g2.value AS value_second, g3.value AS value_third
FROM v AS l
LEFT JOIN v AS p
  ON p.indicator_id = l.indicator_id AND p.area_code = l.area_code
 AND ((l.month IS NULL AND p.rn = 2)
      OR (l.month IS NOT NULL AND p.month = l.month - INTERVAL 12 MONTH))
LEFT JOIN core.group_values AS g1
  ON g1.indicator_id = l.indicator_id AND g1.group_code = $first_group
 AND g1.year = l.year AND g1.month IS NOT DISTINCT FROM l.month AND g1.complete
LEFT JOIN core.group_values AS g2
  ON g2.indicator_id = l.indicator_id AND g2.group_code = $second_group
 AND g2.year = l.year AND g2.month IS NOT DISTINCT FROM l.month AND g2.complete
LEFT JOIN core.group_values AS g3
  ON g3.indicator_id = l.indicator_id AND g3.group_code = $third_group
 AND g3.year = l.year AND g3.month IS NOT DISTINCT FROM l.month AND g3.complete
WHERE l.rn = 1
ORDER BY l.area_code, l.indicator_id
