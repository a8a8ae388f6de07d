-- The indicators the index $index is made of.
SELECT indicator_id FROM core.index_components WHERE index_id = $index ORDER BY 1
