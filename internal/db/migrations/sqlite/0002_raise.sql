-- tunebase_raise is a Go function registered with the SQLite driver (see
-- sqlite_functions.go); this version keeps the two sides' numbering aligned.
SELECT 1;
