-- Every area and group code with its kind.
SELECT area_code, kind FROM core.areas
