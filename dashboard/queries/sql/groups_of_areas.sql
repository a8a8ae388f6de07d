-- For each of the $areas, the group it belongs to among the groups of the catalogue group
-- $group_id (e.g. a municipality's large region), with the group's name in $lang.
SELECT m.area_code, m.group_code,
       CASE $lang WHEN 'sv' THEN g.name_sv WHEN 'en' THEN g.name_en ELSE g.name_fi END AS group_name
FROM core.group_members m JOIN core.areas g ON g.area_code = m.group_code
WHERE g.group_id = $group_id AND list_contains($areas, m.area_code)
ORDER BY m.area_code
