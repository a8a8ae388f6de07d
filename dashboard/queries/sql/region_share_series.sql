-- Sums are rounded far below any shown decimal (see share_series.sql: the same data gives the
-- same answer from any build).
-- For an indicator published only for regions ($indicator), each of the $groups' share (%) of
-- the whole country ($country) in every year: the sum over the regions of the catalogue group
-- $region_group that hold at least one member of the group, divided by the country's value.
-- n_values of n_members regions had a value that year.
WITH held AS (
    SELECT DISTINCT m.group_code AS role, r.group_code AS region
    FROM core.group_members m
    JOIN core.group_members r ON r.area_code = m.area_code
    JOIN core.areas a ON a.area_code = r.group_code
    WHERE list_contains($groups, m.group_code) AND a.group_id = $region_group
),
sizes AS (SELECT role, count(*) AS n_members FROM held GROUP BY role),
vals AS (
    SELECT group_code, year, value FROM core.group_values
    WHERE indicator_id = $indicator AND month IS NULL AND complete AND value IS NOT NULL
),
country AS (SELECT year, value AS total FROM vals WHERE group_code = $country)
SELECT h.role AS group_code, $indicator AS indicator_id, v.year,
       round(sum(v.value), 6) AS group_total, k.total AS country_total,
       round(100.0 * sum(v.value) / nullif(k.total, 0), 10) AS share,
       count(*) AS n_values, s.n_members
FROM held h
JOIN vals v ON v.group_code = h.region
JOIN country k USING (year)
JOIN sizes s USING (role)
GROUP BY h.role, v.year, k.total, s.n_members
ORDER BY h.role, v.year
