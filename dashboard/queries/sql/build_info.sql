-- The single row describing the build.
SELECT * FROM core.build_info LIMIT 1
