-- core.all_values: municipal and group values in one long view with the area's kind, so readers
-- (exports, the /data page, notebooks) need not union the two tables themselves.
CREATE VIEW core.all_values AS
SELECT v.indicator_id, v.area_code, a.kind, v.year, v.month, v.value,
       CAST(NULL AS DOUBLE) AS published_value, v.source_id
FROM core.indicator_values v
JOIN core.areas a USING (area_code)
UNION ALL
SELECT g.indicator_id, g.group_code AS area_code, a.kind, g.year, g.month, g.value,
       g.published_value, g.source_id
FROM core.group_values g
JOIN core.areas a ON a.area_code = g.group_code;
