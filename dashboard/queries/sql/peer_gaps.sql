-- Every indicator at its latest period for the municipalities $areas against the group $peer:
-- the group's aggregate, the median of its members' values, and each area's rank among all
-- municipalities with a value (1 = best by the indicator's direction, NULL when neutral).
WITH last_year AS (
    SELECT indicator_id, max(year) AS year FROM core.indicator_values GROUP BY 1
),
period AS (
    SELECT iv.indicator_id, iv.year, max(iv.month) AS month
    FROM core.indicator_values iv JOIN last_year USING (indicator_id, year)
    GROUP BY 1, 2
),
latest AS (
    SELECT iv.indicator_id, iv.area_code, iv.year, iv.month, iv.value
    FROM core.indicator_values iv JOIN period p
      ON iv.indicator_id = p.indicator_id AND iv.year = p.year
     AND iv.month IS NOT DISTINCT FROM p.month
    WHERE iv.value IS NOT NULL
),
ranked AS (
    SELECT l.*, i.direction,
           CASE i.direction
             WHEN 'higher_is_better' THEN rank() OVER (
                 PARTITION BY l.indicator_id ORDER BY l.value DESC)
             WHEN 'lower_is_better' THEN rank() OVER (
                 PARTITION BY l.indicator_id ORDER BY l.value ASC)
           END AS rank,
           count(*) OVER (PARTITION BY l.indicator_id) AS n
    FROM latest l JOIN core.indicators i USING (indicator_id)
),
peer AS (
    SELECT gv.indicator_id, gv.value AS peer_value
    FROM core.group_values gv JOIN period p
      ON gv.indicator_id = p.indicator_id AND gv.year = p.year
     AND gv.month IS NOT DISTINCT FROM p.month
    WHERE gv.group_code = $peer AND gv.complete
),
peer_median AS (
    SELECT l.indicator_id, median(l.value) AS peer_median
    FROM latest l JOIN core.group_members m
      ON m.area_code = l.area_code AND m.group_code = $peer
    GROUP BY 1
)
SELECT r.area_code,
       CASE $lang WHEN 'sv' THEN a.name_sv WHEN 'en' THEN a.name_en ELSE a.name_fi END AS area,
       r.indicator_id, r.year, CAST(r.month AS DATE) AS month, r.value, peer.peer_value,
       peer_median.peer_median, r.rank, r.n, r.direction
FROM ranked r
JOIN core.areas a ON a.area_code = r.area_code
LEFT JOIN peer USING (indicator_id)
LEFT JOIN peer_median USING (indicator_id)
WHERE list_contains($areas, r.area_code)
ORDER BY r.area_code, r.indicator_id
