-- The monthly series $indicator of the groups $groups, their complete months only (the same for
-- every town's profile, so its result is kept apart from the town's own series).
SELECT group_code AS area_code, month, value FROM core.group_values
WHERE indicator_id = $indicator AND list_contains($groups, group_code)
  AND month IS NOT NULL AND complete
ORDER BY group_code, month
