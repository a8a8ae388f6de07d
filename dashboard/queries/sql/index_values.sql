-- Every stored index score (equal weights).
SELECT index_id, area_code, year, score, rank, n_indicators FROM core.index_values
ORDER BY index_id, area_code
