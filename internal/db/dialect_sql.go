package db

import (
	"fmt"
	"strings"
	"time"
)

// SQL fragments that differ between the backends. Arguments are SQL text
// built by the caller from catalog identifiers and placeholders.

// PostgreSQL side.

func (postgresDialect) TypedPlaceholder(ph string, t Type) string {
	switch t {
	case TypeUUID:
		return ph + "::uuid"
	case TypeText:
		return ph + "::text"
	case TypeInteger:
		return ph + "::bigint"
	case TypeNumber:
		return ph + "::double precision"
	case TypeBoolean:
		return ph + "::boolean"
	case TypeTimestamptz:
		return ph + "::timestamptz"
	case TypeJSON:
		return ph + "::jsonb"
	}
	return ph
}

// TimeValue keeps full precision: PostgreSQL stores microseconds.
func (postgresDialect) TimeValue(t time.Time) any { return t.UTC().Format(time.RFC3339Nano) }

func (postgresDialect) JSONIndex(ph string) string           { return ph + "::int" }
func (postgresDialect) NoLimit() string                      { return "" }
func (postgresDialect) JSONObject(pairs string) string       { return "json_build_object(" + pairs + ")" }
func (postgresDialect) JSONValue(expr string, _ Type) string { return expr }
func (postgresDialect) JSONAgg(expr string) string {
	return "coalesce(json_agg(" + expr + "), '[]'::json)"
}
func (postgresDialect) EmbedJSON(expr string) string    { return expr }
func (postgresDialect) JSONText(expr string) string     { return "(" + expr + ")::text" }
func (postgresDialect) IsDistinct(a, b string) string   { return a + " IS DISTINCT FROM " + b }
func (postgresDialect) JSONContains(a, b string) string { return "(" + a + ")::jsonb @> " + b }
func (postgresDialect) Raise(code, msg, value string) string {
	return "tunebase_raise(" + code + ", " + msg + ", " + value + ")"
}
func (postgresDialect) CountOver() string                  { return "count(*) OVER ()" }
func (postgresDialect) RowJSONText(expr string) string     { return "(" + expr + ")::text" }
func (postgresDialect) JSONArrayLength(expr string) string { return "jsonb_array_length(" + expr + ")" }
func (postgresDialect) BoolLiteral(v bool) string {
	return map[bool]string{true: "true", false: "false"}[v]
}

func (postgresDialect) JSONArrow(base, key string, text bool) string {
	if text {
		return "(" + base + " ->> " + key + ")"
	}
	return "(" + base + " -> " + key + ")"
}

func (postgresDialect) Like(expr, pattern string, ci bool) string {
	if ci {
		return expr + " ILIKE " + pattern
	}
	return expr + " LIKE " + pattern
}

func (postgresDialect) Regex(expr, pattern string, ci bool) string {
	if ci {
		return expr + " ~* " + pattern
	}
	return expr + " ~ " + pattern
}

func (postgresDialect) JSONOverlaps(a, b string) string {
	return "EXISTS (SELECT 1 FROM jsonb_array_elements(CASE jsonb_typeof(" + a + ") WHEN 'array' THEN " + a +
		" ELSE '[]'::jsonb END) x JOIN jsonb_array_elements(" + b + ") y ON x = y)"
}

// FullText uses the search configuration named by config (a bound regconfig).
func (postgresDialect) FullText(expr, query, kind, config string) string {
	fn := map[string]string{"fts": "to_tsquery", "plfts": "plainto_tsquery", "phfts": "phraseto_tsquery", "wfts": "websearch_to_tsquery"}[kind]
	return "to_tsvector(" + config + "::regconfig, " + expr + ") @@ " + fn + "(" + config + "::regconfig, " + query + ")"
}

var pgCasts = map[string]string{
	"text": "text", "varchar": "text", "int": "bigint", "integer": "bigint", "bigint": "bigint", "int4": "integer", "int8": "bigint",
	"numeric": "numeric", "float": "double precision", "float8": "double precision", "double precision": "double precision",
	"real": "real", "boolean": "boolean", "bool": "boolean", "json": "json", "jsonb": "jsonb", "uuid": "uuid",
	"date": "date", "timestamptz": "timestamptz",
}

func (postgresDialect) Cast(expr, to string) (string, Type, bool) {
	t, ok := pgCasts[strings.ToLower(to)]
	if !ok {
		return "", TypeUnknown, false
	}
	return "CAST(" + expr + " AS " + t + ")", castType(to), true
}

// SQLite side.

func (sqliteDialect) TypedPlaceholder(ph string, _ Type) string { return ph }

// TimeValue is the stored text form, so that comparisons are textual.
func (sqliteDialect) TimeValue(t time.Time) any { return FormatTime(t) }

func (sqliteDialect) JSONIndex(ph string) string     { return ph }
func (sqliteDialect) NoLimit() string                { return " LIMIT -1" }
func (sqliteDialect) JSONObject(pairs string) string { return "json_object(" + pairs + ")" }

func (sqliteDialect) JSONValue(expr string, t Type) string {
	switch t {
	case TypeBoolean:
		return "json(CASE WHEN " + expr + " IS NULL THEN 'null' WHEN " + expr + " THEN 'true' ELSE 'false' END)"
	case TypeJSON:
		return "json(" + expr + ")"
	}
	return expr
}

func (sqliteDialect) JSONAgg(expr string) string {
	return "coalesce(json_group_array(json(" + expr + ")), json('[]'))"
}
func (sqliteDialect) EmbedJSON(expr string) string  { return "json(" + expr + ")" }
func (sqliteDialect) JSONText(expr string) string   { return "CAST(" + expr + " AS TEXT)" }
func (sqliteDialect) IsDistinct(a, b string) string { return a + " IS NOT " + b }
func (sqliteDialect) JSONContains(a, b string) string {
	return "tunebase_json_contains(" + a + ", " + b + ")"
}
func (sqliteDialect) JSONOverlaps(a, b string) string {
	return "tunebase_json_overlaps(" + a + ", " + b + ")"
}
func (sqliteDialect) Raise(code, msg, value string) string {
	return "tunebase_raise(" + code + ", " + msg + ", " + value + ")"
}
func (sqliteDialect) CountOver() string                  { return "count(*) OVER ()" }
func (sqliteDialect) RowJSONText(expr string) string     { return expr }
func (sqliteDialect) JSONArrayLength(expr string) string { return "json_array_length(" + expr + ")" }
func (sqliteDialect) BoolLiteral(v bool) string          { return map[bool]string{true: "1", false: "0"}[v] }

func (sqliteDialect) JSONArrow(base, key string, text bool) string {
	if text {
		return "CAST(" + base + " ->> " + key + " AS TEXT)"
	}
	return "(" + base + " -> " + key + ")"
}

func (sqliteDialect) Like(expr, pattern string, ci bool) string {
	return fmt.Sprintf("tunebase_like(%s, %s, %d)", expr, pattern, map[bool]int{true: 1}[ci])
}

func (sqliteDialect) Regex(expr, pattern string, ci bool) string {
	return fmt.Sprintf("tunebase_regexp(%s, %s, %d)", expr, pattern, map[bool]int{true: 1}[ci])
}

// FullText ignores config: the SQLite side has one (simple, Unicode) parser.
func (sqliteDialect) FullText(expr, query, kind, _ string) string {
	return "tunebase_fts(" + expr + ", " + query + ", '" + kind + "')"
}

var sqliteCasts = map[string]string{
	"text": "TEXT", "varchar": "TEXT", "int": "INTEGER", "integer": "INTEGER", "bigint": "INTEGER", "int4": "INTEGER", "int8": "INTEGER",
	"numeric": "REAL", "float": "REAL", "float8": "REAL", "double precision": "REAL", "real": "REAL",
	"boolean": "INTEGER", "bool": "INTEGER", "uuid": "TEXT", "date": "TEXT", "timestamptz": "TEXT",
}

func (sqliteDialect) Cast(expr, to string) (string, Type, bool) {
	low := strings.ToLower(to)
	if low == "json" || low == "jsonb" {
		return "json(" + expr + ")", TypeJSON, true
	}
	t, ok := sqliteCasts[low]
	if !ok {
		return "", TypeUnknown, false
	}
	return "CAST(" + expr + " AS " + t + ")", castType(to), true
}

func castType(to string) Type {
	switch strings.ToLower(to) {
	case "text", "varchar", "date":
		return TypeText
	case "int", "integer", "bigint", "int4", "int8":
		return TypeInteger
	case "numeric", "float", "float8", "double precision", "real":
		return TypeNumber
	case "boolean", "bool":
		return TypeBoolean
	case "json", "jsonb":
		return TypeJSON
	case "uuid":
		return TypeUUID
	case "timestamptz":
		return TypeTimestamptz
	}
	return TypeUnknown
}
