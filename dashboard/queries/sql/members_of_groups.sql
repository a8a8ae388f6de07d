-- Members of each of the $groups.
SELECT group_code, area_code FROM core.group_members WHERE list_contains($groups, group_code)
