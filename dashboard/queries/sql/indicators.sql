-- The indicator catalogue in $lang, in catalogue order.
SELECT indicator_id, theme,
       CASE $lang WHEN 'sv' THEN label_sv WHEN 'en' THEN label_en ELSE label_fi END AS label,
       CASE $lang WHEN 'sv' THEN description_sv WHEN 'en' THEN description_en
            ELSE description_fi END AS description,
       CASE $lang WHEN 'sv' THEN unit_sv WHEN 'en' THEN unit_en ELSE unit_fi END AS unit,
       CAST(decimals AS INTEGER) AS decimals, direction, aggregation, sources, citation
FROM core.indicators
