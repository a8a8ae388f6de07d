-- core.indicator_coverage: how current each indicator is, one row per catalogue indicator.
-- first_year / last_year span the municipal values (for indicators published only for groups,
-- such as region-level sources, the group values: level 'group'); last_month is the newest
-- month of a monthly series (NULL for annual ones). sources lists the source ids that supplied
-- values, by the first year each supplied; last_source is the source (or sources) of the newest
-- year, table_id its publisher's table id and updated its `updated` (core.provenance). No year
-- is written here: the span is whatever the warehouse holds.
CREATE VIEW core.indicator_coverage AS
WITH municipal AS (
    SELECT indicator_id, source_id, 'municipality' AS level, min(year) AS first_year,
           max(year) AS last_year, max(month) AS last_month
    FROM core.indicator_values
    GROUP BY indicator_id, source_id
),
published AS (
    SELECT indicator_id, source_id, 'group' AS level, min(year) AS first_year,
           max(year) AS last_year, max(month) AS last_month
    FROM core.group_values
    WHERE indicator_id NOT IN (SELECT indicator_id FROM municipal)
    GROUP BY indicator_id, source_id
),
per_source AS (
    SELECT * FROM municipal
    UNION ALL
    SELECT * FROM published
),
span AS (
    SELECT indicator_id, any_value(level) AS level, min(first_year) AS first_year,
           max(last_year) AS last_year,
           string_agg(source_id, ',' ORDER BY first_year, source_id) AS sources
    FROM per_source
    GROUP BY indicator_id
),
newest AS (
    SELECT s.indicator_id,
           max(ps.last_month) FILTER (WHERE year(ps.last_month) = s.last_year) AS last_month,
           string_agg(ps.source_id, ',' ORDER BY ps.source_id) AS last_source,
           string_agg(DISTINCT p.table_id, ', ' ORDER BY p.table_id) AS table_id,
           max(p.updated) AS updated
    FROM span s
    JOIN per_source ps ON ps.indicator_id = s.indicator_id AND ps.last_year = s.last_year
    LEFT JOIN core.provenance p ON p.source_id = ps.source_id
    GROUP BY s.indicator_id
)
SELECT i.indicator_id, s.level, s.first_year, s.last_year, n.last_month, s.sources,
       n.last_source, n.table_id, n.updated
FROM core.indicators i
LEFT JOIN span s USING (indicator_id)
LEFT JOIN newest n USING (indicator_id);
