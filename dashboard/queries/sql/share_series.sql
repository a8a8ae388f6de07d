-- Sums of floating-point values depend on the order the rows are added in (storage and threads
-- differ between builds), so the sums and shares are rounded far below any shown decimal: the
-- same data gives the same answer from any build.
-- Each of the $groups' share (%) of the whole country for the count $indicator in every year
-- (annual values), as a ratio of sums of its $column ('value' or 'numerator'). The country
-- total is the sum over all municipalities with a value that year. n_values and n_country say
-- how many members and municipalities had one, so partial years can be left out.
WITH v AS (
    SELECT area_code, year,
           CASE $column WHEN 'numerator' THEN numerator ELSE value END AS x
    FROM core.indicator_values
    WHERE indicator_id = $indicator AND month IS NULL
),
counted AS (SELECT * FROM v WHERE x IS NOT NULL),
country AS (
    SELECT year, round(sum(x), 6) AS total, count(*) AS n_country FROM counted GROUP BY year
),
sizes AS (
    SELECT group_code, count(*) AS n_members FROM core.group_members
    WHERE list_contains($groups, group_code) GROUP BY group_code
)
SELECT m.group_code, $indicator AS indicator_id, c.year,
       round(sum(c.x), 6) AS group_total, k.total AS country_total,
       round(100.0 * sum(c.x) / nullif(k.total, 0), 10) AS share,
       count(*) AS n_values, s.n_members, k.n_country
FROM core.group_members m
JOIN counted c USING (area_code)
JOIN country k USING (year)
JOIN sizes s USING (group_code)
WHERE list_contains($groups, m.group_code)
GROUP BY m.group_code, c.year, k.total, k.n_country, s.n_members
ORDER BY m.group_code, c.year
