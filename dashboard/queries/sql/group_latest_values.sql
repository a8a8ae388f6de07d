-- The group $group's latest complete value per indicator (pages show no partial group value).
SELECT indicator_id, year, month, value FROM (
    SELECT indicator_id, year, month, value, row_number() OVER (
        PARTITION BY indicator_id ORDER BY year DESC, month DESC NULLS LAST) AS rn
    FROM core.group_values WHERE group_code = $group AND value IS NOT NULL AND complete)
WHERE rn = 1
ORDER BY indicator_id
