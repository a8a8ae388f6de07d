-- The monthly series $indicator for the municipality $area and the groups $groups (the groups'
-- complete months only).
SELECT area_code, month, value FROM core.all_values
WHERE indicator_id = $indicator AND month IS NOT NULL AND complete
  AND CASE WHEN kind = 'municipality' THEN area_code = $area
           ELSE list_contains($groups, area_code) END
ORDER BY area_code, month
