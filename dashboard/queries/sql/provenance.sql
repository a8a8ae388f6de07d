-- Every source with its title in $lang.
SELECT source_id, table_id,
       CASE $lang WHEN 'sv' THEN title_sv WHEN 'en' THEN title_en ELSE title_fi END AS title,
       publisher, licence, citation, updated, fetched, file
FROM core.provenance
ORDER BY source_id
