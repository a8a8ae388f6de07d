-- Years in which every one of the $indicators has annual municipal values.
SELECT year FROM core.indicator_values
WHERE list_contains($indicators, indicator_id) AND month IS NULL
GROUP BY year HAVING count(DISTINCT indicator_id) = len($indicators)
ORDER BY year
