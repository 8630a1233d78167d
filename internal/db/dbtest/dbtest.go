// Package dbtest gives tests a fresh, migrated database on each backend: a
// new SQLite file, and a new database on a throwaway PostgreSQL cluster that
// the package starts itself once per test binary (or on the server named by
// TUNEBASE_TEST_POSTGRES_URL).
//
// A package that uses dbtest declares
//
//	func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }
//
// so that the cluster is stopped when its tests end.
//
// TUNEBASE_TEST_BACKENDS (default "sqlite,postgres") selects the backends.
// When PostgreSQL is selected but cannot be started, tests fail loudly.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tunebase/internal/db"
)

// Backend names, as the dialects report them.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Backends returns the backends selected by TUNEBASE_TEST_BACKENDS.
func Backends() []string {
	v := strings.TrimSpace(os.Getenv("TUNEBASE_TEST_BACKENDS"))
	if v == "" {
		return []string{SQLite, Postgres}
	}
	var out []string
	for _, b := range strings.Split(v, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}

// Main runs the tests and then stops the PostgreSQL cluster, if one was
// started. Use it from TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	if err := shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, "dbtest:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// ForEachBackend runs fn as a parallel subtest per selected backend, each
// with its own fresh, migrated database.
func ForEachBackend(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, b := range Backends() {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			fn(t, New(t, b))
		})
	}
}

// New returns a fresh, migrated database on backend, closed and dropped
// when t ends.
func New(t testing.TB, backend string) *db.DB {
	t.Helper()
	opts := Options(t, backend)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d, err := db.Open(ctx, opts)
	if err != nil {
		t.Fatalf("dbtest: open %s: %v", backend, err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatalf("dbtest: migrate %s: %v", backend, err)
	}
	return d
}

// Options returns connection options for a fresh database on backend that
// is not yet migrated when the backend is SQLite, and a copy of a migrated
// template on PostgreSQL. The database is dropped when t ends. Use it when
// the code under test opens the database itself (a server, a migration).
func Options(t testing.TB, backend string) db.Options {
	t.Helper()
	switch backend {
	case SQLite:
		return db.Options{SQLitePath: filepath.Join(t.TempDir(), db.SQLiteFile), MaxOpenConns: 4}
	case Postgres:
		url, err := newPostgresDatabase(t)
		if err != nil {
			t.Fatalf("dbtest: postgres: %v (set TUNEBASE_TEST_BACKENDS=sqlite to run without PostgreSQL)", err)
		}
		return db.Options{URL: url, MaxOpenConns: 4}
	default:
		t.Fatalf("dbtest: unknown backend %q (want %s or %s)", backend, SQLite, Postgres)
		return db.Options{}
	}
}

// EmptyOptions is like Options but the PostgreSQL database is empty too,
// for tests of the migrations themselves.
func EmptyOptions(t testing.TB, backend string) db.Options {
	t.Helper()
	if backend != Postgres {
		return Options(t, backend)
	}
	url, err := newPostgresDatabaseFrom(t, "template0")
	if err != nil {
		t.Fatalf("dbtest: postgres: %v", err)
	}
	return db.Options{URL: url, MaxOpenConns: 4}
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

var (
	pgOnce     sync.Once
	pgServer   *server
	pgErr      error
	tplOnce    sync.Once
	tplName    string
	tplErr     error
	createLock sync.Mutex // CREATE DATABASE … TEMPLATE wants the template unused
)

func ensureServer() (*server, error) {
	pgOnce.Do(func() {
		if url := os.Getenv("TUNEBASE_TEST_POSTGRES_URL"); url != "" {
			pgServer = &server{adminURL: url}
			return
		}
		pgServer, pgErr = startCluster()
	})
	return pgServer, pgErr
}

func ensureTemplate(s *server) (string, error) {
	tplOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		name := randomName("tunebase_tpl_")
		if err := s.exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0"); err != nil {
			tplErr = err
			return
		}
		d, err := db.Open(ctx, db.Options{URL: s.urlFor(name), MaxOpenConns: 1})
		if err != nil {
			tplErr = err
			return
		}
		defer d.Close()
		if _, err := d.Migrate(ctx); err != nil {
			tplErr = err
			return
		}
		tplName = name
	})
	return tplName, tplErr
}

func newPostgresDatabase(t testing.TB) (string, error) {
	s, err := ensureServer()
	if err != nil {
		return "", err
	}
	tpl, err := ensureTemplate(s)
	if err != nil {
		return "", fmt.Errorf("migrate template database: %w", err)
	}
	return newPostgresDatabaseFrom(t, tpl)
}

func newPostgresDatabaseFrom(t testing.TB, template string) (string, error) {
	s, err := ensureServer()
	if err != nil {
		return "", err
	}
	name := randomName("tunebase_test_")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	createLock.Lock()
	err = s.exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template)
	createLock.Unlock()
	if err != nil {
		return "", err
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("dbtest: drop %s: %v", name, err)
		}
	})
	return s.urlFor(name), nil
}

func shutdown() error {
	if pgServer == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if tplName != "" {
		_ = pgServer.exec(ctx, "DROP DATABASE IF EXISTS "+tplName+" WITH (FORCE)")
	}
	return pgServer.stop()
}
