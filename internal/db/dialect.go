package db

import (
	"context"
	"database/sql"
	"time"

	"github.com/riverqueue/river/riverdriver"
)

// Dialect is the seam between the two backends. Code outside this package
// asks the dialect for whatever SQL differs and never checks which backend
// it runs on.
type Dialect interface {
	// Name is "sqlite" or "postgres".
	Name() string
	// Placeholder returns the n-th (1-based) bind parameter marker.
	Placeholder(n int) string
	// TranslateError turns driver errors into [ConstraintError] and
	// [ErrNotFound]; other errors pass through unchanged.
	TranslateError(err error) error
	// Now is the SQL expression for the current timestamp.
	Now() string
	// SQL fragments (see dialect_sql.go). Arguments are SQL text made of
	// catalog identifiers and placeholders, never request text.
	TypedPlaceholder(ph string, t Type) string
	// TimeValue is how a timestamp is bound: full precision on PostgreSQL,
	// the stored text form (milliseconds) on SQLite.
	TimeValue(t time.Time) any
	JSONObject(pairs string) string
	JSONValue(expr string, t Type) string
	JSONAgg(expr string) string
	EmbedJSON(expr string) string
	JSONText(expr string) string
	JSONArrow(base, key string, text bool) string
	// JSONIndex types an array-index placeholder for JSONArrow.
	JSONIndex(ph string) string
	// NoLimit is what must precede OFFSET when there is no LIMIT.
	NoLimit() string
	JSONArrayLength(expr string) string
	RowJSONText(expr string) string
	IsDistinct(a, b string) string
	Like(expr, pattern string, ci bool) string
	Regex(expr, pattern string, ci bool) string
	JSONContains(a, b string) string
	JSONOverlaps(a, b string) string
	FullText(expr, query, kind, config string) string
	Raise(code, msg, value string) string
	CountOver() string
	BoolLiteral(v bool) string
	// Cast returns expr cast to a type named in a request (text, int, …),
	// its logical type, and false if the cast is not allowed.
	Cast(expr, to string) (string, Type, bool)

	// Introspect reads the tables, columns and constraints of the schema.
	Introspect(ctx context.Context, q Querier) (Schema, error)

	driverName() string
	configurePool(db *sql.DB, opts Options)
	migrationsDir() string
	// lockMigrations serialises migration runs across processes, inside tx.
	lockMigrations(ctx context.Context, tx *sql.Tx) error
	// jobDriver is River's driver for this backend.
	jobDriver(d *sql.DB) riverdriver.Driver[*sql.Tx]
}

var (
	_ Dialect = postgresDialect{}
	_ Dialect = sqliteDialect{}
)
