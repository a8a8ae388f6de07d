-- For every area in a group of the catalogue group $group_id (e.g. the large regions), the
-- group it belongs to, with the group's name in $lang.
SELECT m.area_code, m.group_code,
       CASE $lang WHEN 'sv' THEN g.name_sv WHEN 'en' THEN g.name_en ELSE g.name_fi END AS group_name
FROM core.group_members m JOIN core.areas g ON g.area_code = m.group_code
WHERE g.group_id = $group_id
ORDER BY m.area_code
