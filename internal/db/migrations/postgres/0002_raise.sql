-- tunebase_raise fails the statement with an SQLSTATE the API layer maps to
-- an HTTP status (42501 row rule → 403, 23503 missing parent → 409,
-- 22023 invalid operand → 400). Queries use it in a CASE so that one
-- statement both checks the row rules and writes. The SQLite side is a Go
-- function registered with the driver.
CREATE FUNCTION tunebase_raise(code text, msg text, v anyelement) RETURNS anyelement
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = code, MESSAGE = msg;
END $$;
