-- core.all_values: municipal and group values in one long view with the area's kind, so readers
-- (exports, the /data page, notebooks) need not union the two tables themselves. A group row
-- says how many members it covers (n_values of n_members) and whether that meets the
-- catalogue's completeness rule (`complete`); municipal rows are complete by definition.
CREATE VIEW core.all_values AS
SELECT v.indicator_id, v.area_code, a.kind, v.year, v.month, v.value,
       CAST(NULL AS DOUBLE) AS published_value, v.source_id,
       TRUE AS complete, CAST(NULL AS INTEGER) AS n_values, CAST(NULL AS INTEGER) AS n_members
FROM core.indicator_values v
JOIN core.areas a USING (area_code)
UNION ALL
SELECT g.indicator_id, g.group_code AS area_code, a.kind, g.year, g.month, g.value,
       g.published_value, g.source_id,
       g.complete, CAST(g.n_values AS INTEGER), CAST(g.n_members AS INTEGER)
FROM core.group_values g
JOIN core.areas a ON a.area_code = g.group_code;
