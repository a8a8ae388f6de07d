-- Years with municipal values of $indicator.
SELECT DISTINCT year FROM core.indicator_values WHERE indicator_id = $indicator ORDER BY year
