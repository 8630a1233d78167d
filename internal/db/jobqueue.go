package db

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// JobDriver returns the River driver for this database, for the job queue.
func (db *DB) JobDriver() riverdriver.Driver[*sql.Tx] {
	return db.Dialect.jobDriver(db.DB)
}

func (postgresDialect) jobDriver(d *sql.DB) riverdriver.Driver[*sql.Tx] {
	return riverdatabasesql.New(d)
}
func (sqliteDialect) jobDriver(d *sql.DB) riverdriver.Driver[*sql.Tx] { return riversqlite.New(d) }

// migrateJobQueue brings River's tables (river_job, river_queue, …) up to
// date, each version in its own transaction under the same lock as our
// migrations.
func (db *DB) migrateJobQueue(ctx context.Context) ([]int, error) {
	m, err := rivermigrate.New(db.JobDriver(), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("db: job queue migrator: %w", err)
	}
	// One transaction per River version: PostgreSQL refuses to use an enum
	// value in the transaction that added it.
	var versions []int
	for {
		var step []int
		err = db.Tx(ctx, func(tx *sql.Tx) error {
			if err := db.Dialect.lockMigrations(ctx, tx); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
			res, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{MaxSteps: 1})
			if err != nil {
				return err
			}
			for _, v := range res.Versions {
				step = append(step, v.Version)
			}
			return nil
		})
		if err != nil {
			return versions, fmt.Errorf("db: job queue migrations: %w", err)
		}
		if len(step) == 0 {
			break
		}
		versions = append(versions, step...)
	}
	return versions, nil
}
