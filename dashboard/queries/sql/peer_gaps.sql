-- Every indicator at its latest period for the municipalities $areas against the group $peer:
-- the group's aggregate, the median of its members' values, and each area's rank among all
-- municipalities with a value (1 = best by the indicator's direction, NULL when neutral), from
-- core.latest_ranked (ranked once, at build).
WITH period AS (
    SELECT DISTINCT indicator_id, year, month FROM core.latest_ranked
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
    FROM core.latest_ranked l JOIN core.group_members m
      ON m.area_code = l.area_code AND m.group_code = $peer
    GROUP BY 1
)
SELECT r.area_code,
       CASE $lang WHEN 'sv' THEN a.name_sv WHEN 'en' THEN a.name_en ELSE a.name_fi END AS area,
       r.indicator_id, r.year, CAST(r.month AS DATE) AS month, r.value, peer.peer_value,
       peer_median.peer_median, r.rank, r.n, r.direction
FROM core.latest_ranked r
JOIN core.areas a ON a.area_code = r.area_code
LEFT JOIN peer USING (indicator_id)
LEFT JOIN peer_median USING (indicator_id)
WHERE list_contains($areas, r.area_code)
ORDER BY r.area_code, r.indicator_id
