-- Member municipalities of the group $group.
SELECT area_code FROM core.group_members WHERE group_code = $group ORDER BY area_code
