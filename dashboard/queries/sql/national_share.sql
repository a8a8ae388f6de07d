-- Each of the $groups' share (%) of the whole country for the count $indicator, as a ratio of
-- sums of its $column ('value' or 'numerator') in $year (NULL: the latest annual year). The
-- country total is the sum over all municipalities with a value that year.
WITH y AS (
    SELECT coalesce($year, max(year)) AS year FROM core.indicator_values
    WHERE indicator_id = $indicator AND month IS NULL
),
v AS (
    SELECT iv.area_code,
           CASE $column WHEN 'numerator' THEN iv.numerator ELSE iv.value END AS x
    FROM core.indicator_values iv, y
    WHERE iv.indicator_id = $indicator AND iv.year = y.year AND iv.month IS NULL
),
counted AS (SELECT * FROM v WHERE x IS NOT NULL),
country AS (SELECT sum(x) AS total FROM counted)
SELECT m.group_code, $indicator AS indicator_id, (SELECT year FROM y) AS year,
       sum(c.x) AS group_total, (SELECT total FROM country) AS country_total,
       100.0 * sum(c.x) / nullif((SELECT total FROM country), 0) AS share
FROM core.group_members m JOIN counted c USING (area_code)
WHERE list_contains($groups, m.group_code)
GROUP BY m.group_code
