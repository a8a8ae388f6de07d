-- The municipality $area's $k nearest peers on the default profile.
SELECT peer_code AS area_code, distance, rank, n_indicators FROM core.peers
WHERE area_code = $area
ORDER BY rank
LIMIT $k
