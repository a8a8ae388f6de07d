-- Every area and group with its name in $lang: country first, then by kind and name.
SELECT area_code, kind,
       CASE $lang WHEN 'sv' THEN name_sv WHEN 'en' THEN name_en ELSE name_fi END AS name,
       region_code, subregion_code, municipality_group_code, is_network, is_university_city
FROM core.areas
ORDER BY kind <> 'country', kind, name
