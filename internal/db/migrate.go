package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one versioned schema change, stored as
// migrations/<dialect>/<version>_<name>.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the dialect's migrations in version order.
func Migrations(d Dialect) ([]Migration, error) {
	dir := d.migrationsDir()
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("db: read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), ".sql")
		if !ok {
			continue
		}
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("db: migration file %q is not named <version>_<name>.sql", e.Name())
		}
		body, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("db: read migration %s: %w", e.Name(), err)
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("db: two migrations with version %d", out[i].Version)
		}
	}
	return out, nil
}

// Migrate applies every migration not yet applied and returns the versions
// it applied, then brings the job queue's own tables (River's) up to date. Each migration runs in its own transaction together with its
// bookkeeping row, under a lock that serialises concurrent runs (an advisory
// lock on PostgreSQL, the write lock on SQLite), so running it twice, or
// from two instances at once, is safe.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	migrations, err := Migrations(db.Dialect)
	if err != nil {
		return nil, err
	}
	var applied []int
	for _, m := range migrations {
		did, err := db.applyMigration(ctx, m)
		if err != nil {
			return applied, fmt.Errorf("db: migration %d (%s): %w", m.Version, m.Name, err)
		}
		if did {
			applied = append(applied, m.Version)
		}
	}
	if _, err := db.migrateJobQueue(ctx); err != nil {
		return applied, err
	}
	return applied, nil
}

func (db *DB) applyMigration(ctx context.Context, m Migration) (bool, error) {
	did := false
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if err := db.Dialect.lockMigrations(ctx, tx); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS tunebase_migrations (
			version    integer PRIMARY KEY NOT NULL,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT (`+db.Dialect.Now()+`))`); err != nil {
			return fmt.Errorf("create bookkeeping table: %w", err)
		}
		var n int
		p := db.Dialect.Placeholder
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM tunebase_migrations WHERE version = "+p(1), m.Version).Scan(&n); err != nil {
			return fmt.Errorf("read bookkeeping table: %w", err)
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO tunebase_migrations (version, name) VALUES ("+p(1)+", "+p(2)+")", m.Version, m.Name); err != nil {
			return fmt.Errorf("record: %w", err)
		}
		did = true
		return nil
	})
	return did, err
}
