-- How current each indicator is (core.indicator_coverage): its first and newest year, the newest
-- month of a monthly series, the sources that supplied values and the newest one's table id and
-- `updated`.
SELECT indicator_id, level, first_year, last_year, CAST(last_month AS DATE) AS last_month,
       sources, last_source, table_id, updated
FROM core.indicator_coverage
ORDER BY indicator_id
