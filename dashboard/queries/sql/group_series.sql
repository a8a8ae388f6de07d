-- Aggregate values of the $groups for $indicator, every period where the value is complete.
SELECT group_code, year, month, value, n_members, n_values
FROM core.group_values
WHERE indicator_id = $indicator AND list_contains($groups, group_code) AND complete
ORDER BY group_code, year, month
