-- core.latest_ranked: every municipality's value of each indicator at the indicator's latest
-- period (its newest year, that year's newest month), with its rank among all municipalities
-- with a value that period (1 = best by the indicator's direction, NULL when neutral) and how
-- many were ranked. A table, not a view: the compare page's gap table reads a few towns' rows
-- of it, and ranking every indicator over every town on each request took most of that page's
-- query time.
CREATE TABLE core.latest_ranked AS
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
)
SELECT l.indicator_id, l.area_code, l.year, l.month, l.value, i.direction,
       CASE i.direction
         WHEN 'higher_is_better' THEN rank() OVER (
             PARTITION BY l.indicator_id ORDER BY l.value DESC)
         WHEN 'lower_is_better' THEN rank() OVER (
             PARTITION BY l.indicator_id ORDER BY l.value ASC)
       END AS rank,
       count(*) OVER (PARTITION BY l.indicator_id) AS n
FROM latest l JOIN core.indicators i USING (indicator_id)
ORDER BY l.area_code, l.indicator_id;
