package db

import (
	"context"
	"database/sql"

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
