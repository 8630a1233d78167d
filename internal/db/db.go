// Package db opens Tunebase's database, on SQLite or PostgreSQL, and is the
// one place where the two differ: every backend-specific SQL fragment, error
// code and connection detail lives behind [Dialect].
//
// Both backends are used through database/sql (pgx's stdlib driver for
// PostgreSQL, modernc.org/sqlite for SQLite), so the code above this package
// has a single code path.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// DB is an open database with its dialect.
type DB struct {
	*sql.DB
	Dialect Dialect
}

// Querier is what both *sql.DB and *sql.Tx offer.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

var (
	_ Querier = (*sql.DB)(nil)
	_ Querier = (*sql.Tx)(nil)
)

// Options selects and tunes a backend.
type Options struct {
	// URL is a postgres:// URL; when empty, SQLitePath is used.
	URL string
	// SQLitePath is the SQLite file, created if missing.
	SQLitePath string
	// MaxOpenConns bounds the pool (0: the dialect's default).
	MaxOpenConns int
}

// SQLiteFile is the name of the SQLite database inside a data dir.
const SQLiteFile = "tunebase.db"

// OptionsFor returns the options for a database URL (possibly empty) and a
// data dir.
func OptionsFor(databaseURL, dataDir string) Options {
	if databaseURL != "" {
		return Options{URL: databaseURL}
	}
	return Options{SQLitePath: filepath.Join(dataDir, SQLiteFile)}
}

// Open opens and pings the database that opts select. It does not migrate.
func Open(ctx context.Context, opts Options) (*DB, error) {
	var d Dialect
	var dsn string
	switch {
	case strings.HasPrefix(opts.URL, "postgres://"), strings.HasPrefix(opts.URL, "postgresql://"):
		d, dsn = postgresDialect{}, opts.URL
	case opts.URL != "":
		return nil, errors.New("db: only postgres:// URLs are supported")
	case opts.SQLitePath != "":
		d, dsn = sqliteDialect{}, sqliteDSN(opts.SQLitePath)
	default:
		return nil, errors.New("db: neither a URL nor a SQLite path given")
	}
	sqlDB, err := sql.Open(d.driverName(), dsn)
	if err != nil {
		return nil, fmt.Errorf("db: open %s: %w", d.Name(), err)
	}
	d.configurePool(sqlDB, opts)
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("db: connect to %s: %w", d.Name(), redactErr(err))
	}
	return &DB{DB: sqlDB, Dialect: d}, nil
}

// Tx runs fn in a transaction, committing if fn returns nil and rolling back
// otherwise. Errors from the database are translated by the dialect.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return db.Dialect.TranslateError(fmt.Errorf("db: begin: %w", err))
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return db.Dialect.TranslateError(err)
	}
	if err := tx.Commit(); err != nil {
		return db.Dialect.TranslateError(fmt.Errorf("db: commit: %w", err))
	}
	return nil
}

// redactErr keeps connection errors from echoing a password-bearing URL.
func redactErr(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "://"); i >= 0 {
		if j := strings.Index(msg[i:], "@"); j >= 0 {
			msg = msg[:i+3] + "…" + msg[i+j:]
			return errors.New(msg)
		}
	}
	return err
}
