package db_test

import (
	"context"
	"database/sql"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tunebase/internal/db"
	"tunebase/internal/db/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// The tables the product needs, on both backends.
var wantTables = []string{
	"ai_generations", "artists", "auth_refresh_tokens", "auth_sessions", "auth_users",
	"profiles", "projects", "storage_buckets", "storage_objects", "storage_usage",
	"track_versions", "tracks", "tunebase_migrations",
}

func TestMigrationsGiveSameSchemaOnBothBackends(t *testing.T) {
	t.Parallel()
	backends := dbtest.Backends()
	if len(backends) < 2 {
		t.Skip("needs both backends; TUNEBASE_TEST_BACKENDS selects only", backends)
	}
	ctx := context.Background()
	schemas := map[string]db.Schema{}
	for _, b := range backends {
		d := dbtest.New(t, b)
		s, err := d.Dialect.Introspect(ctx, d)
		require.NoError(t, err)
		schemas[b] = s
	}
	lite, pg := schemas[dbtest.SQLite], schemas[dbtest.Postgres]

	// Our tables must match exactly; River's (the job queue) must exist on
	// both with the same columns, whose types River chooses per backend.
	own := func(s db.Schema) (ours, river []db.Table) {
		for _, tb := range s.Tables {
			if strings.HasPrefix(tb.Name, "river_") {
				river = append(river, tb)
			} else {
				ours = append(ours, tb)
			}
		}
		return ours, river
	}
	liteOurs, liteRiver := own(lite)
	pgOurs, pgRiver := own(pg)
	var names []string
	for _, tb := range liteOurs {
		names = append(names, tb.Name)
	}
	require.Equal(t, wantTables, names)
	require.Equal(t, len(liteOurs), len(pgOurs))
	for i := range liteOurs {
		l, p := liteOurs[i], pgOurs[i]
		require.Equal(t, l.Name, p.Name)
		require.Equal(t, l.Columns, p.Columns, "columns of %s", l.Name)
		require.Equal(t, l.PrimaryKey, p.PrimaryKey, "primary key of %s", l.Name)
		require.Equal(t, l.ForeignKeys, p.ForeignKeys, "foreign keys of %s", l.Name)
		require.Equal(t, l.Uniques, p.Uniques, "unique constraints of %s", l.Name)
		for _, c := range l.Columns {
			require.NotEqual(t, db.TypeUnknown, c.Type, "%s.%s has no logical type", l.Name, c.Name)
		}
	}
	columnNames := func(ts []db.Table) map[string][]string {
		out := map[string][]string{}
		for _, tb := range ts {
			for _, c := range tb.Columns {
				out[tb.Name] = append(out[tb.Name], c.Name)
			}
			sort.Strings(out[tb.Name])
		}
		return out
	}
	require.Contains(t, columnNames(liteRiver), "river_job")
	require.Equal(t, columnNames(liteRiver), columnNames(pgRiver))
	tracks, ok := pg.Table("tracks")
	require.True(t, ok)
	require.Contains(t, tracks.Uniques, []string{"project_id", "track_number"})
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends() {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d, err := db.Open(ctx, dbtest.EmptyOptions(t, b))
			require.NoError(t, err)
			defer d.Close()
			all, err := db.Migrations(d.Dialect)
			require.NoError(t, err)

			first, err := d.Migrate(ctx)
			require.NoError(t, err)
			require.Len(t, first, len(all))
			second, err := d.Migrate(ctx)
			require.NoError(t, err)
			require.Empty(t, second)
		})
	}
}

func TestMigrateFromTwoInstancesAtOnce(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends() {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			opts := dbtest.EmptyOptions(t, b)
			const instances = 4
			applied := make([][]int, instances)
			errs := make([]error, instances)
			var wg sync.WaitGroup
			for i := range instances {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d, err := db.Open(ctx, opts)
					if err != nil {
						errs[i] = err
						return
					}
					defer d.Close()
					applied[i], errs[i] = d.Migrate(ctx)
				}()
			}
			wg.Wait()
			total := 0
			for i := range instances {
				require.NoError(t, errs[i], "instance %d", i)
				total += len(applied[i])
			}
			d, err := db.Open(ctx, opts)
			require.NoError(t, err)
			defer d.Close()
			all, err := db.Migrations(d.Dialect)
			require.NoError(t, err)
			require.Equal(t, len(all), total, "each migration applied exactly once")
			var n int
			require.NoError(t, d.QueryRowContext(ctx, "SELECT count(*) FROM tunebase_migrations").Scan(&n))
			require.Equal(t, len(all), n)
		})
	}
}

// fixture inserts a user, an artist, a project and returns their ids.
type fixture struct{ user, artist, project string }

func seed(t *testing.T, d *db.DB, email string) fixture {
	t.Helper()
	ctx := context.Background()
	p := d.Dialect.Placeholder
	var f fixture
	require.NoError(t, d.QueryRowContext(ctx,
		"INSERT INTO auth_users (email, encrypted_password) VALUES ("+p(1)+", 'x') RETURNING id", email).Scan(&f.user))
	require.NoError(t, d.QueryRowContext(ctx,
		"INSERT INTO artists (user_id, name) VALUES ("+p(1)+", 'A') RETURNING id", f.user).Scan(&f.artist))
	require.NoError(t, d.QueryRowContext(ctx,
		"INSERT INTO projects (artist_id, user_id, title, type) VALUES ("+p(1)+", "+p(2)+", 'P', 'album') RETURNING id",
		f.artist, f.user).Scan(&f.project))
	return f
}

// insertTrack adds track number 1 to f's project; audio is its audio_url
// ("" for none).
func insertTrack(t *testing.T, d *db.DB, f fixture, audio string) string {
	t.Helper()
	p := d.Dialect.Placeholder
	var a any
	if audio != "" {
		a = audio
	}
	var id string
	require.NoError(t, d.QueryRowContext(context.Background(), "INSERT INTO tracks (project_id, user_id, title, track_number, audio_url) VALUES ("+
		p(1)+", "+p(2)+", 'T', 1, "+p(3)+") RETURNING id", f.project, f.user, a).Scan(&id))
	return id
}

func TestSchemaConstraints(t *testing.T) {
	t.Parallel()
	dbtest.ForEachBackend(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		p := d.Dialect.Placeholder
		f := seed(t, d, "a@example.com")
		other := seed(t, d, "b@example.com")

		insertTrack := func(project, user string, number int) error {
			_, err := d.ExecContext(ctx, "INSERT INTO tracks (project_id, user_id, title, track_number) VALUES ("+
				p(1)+", "+p(2)+", 'T', "+p(3)+")", project, user, number)
			return d.Dialect.TranslateError(err)
		}
		kind := func(err error) db.ConstraintKind {
			t.Helper()
			ce, ok := db.AsConstraint(err)
			require.True(t, ok, "want a constraint error, got %v", err)
			return ce.Kind
		}

		require.NoError(t, insertTrack(f.project, f.user, 1))
		err := insertTrack(f.project, f.user, 1)
		require.Equal(t, db.ViolationUnique, kind(err))
		ce, _ := db.AsConstraint(err)
		require.ElementsMatch(t, []string{"project_id", "track_number"}, ce.Columns)

		require.Equal(t, db.ViolationCheck, kind(insertTrack(f.project, f.user, 0)))
		require.Equal(t, db.ViolationCheck, kind(insertTrack(f.project, other.user, 2)), "owner must match the project's")
		require.Equal(t, db.ViolationForeignKey, kind(insertTrack("00000000-0000-4000-8000-000000000000", f.user, 1)))

		_, err = d.ExecContext(ctx, "UPDATE projects SET status = 'gone' WHERE id = "+p(1), f.project)
		require.Equal(t, db.ViolationCheck, kind(d.Dialect.TranslateError(err)))
		_, err = d.ExecContext(ctx, "INSERT INTO artists (user_id, name, metadata) VALUES ("+p(1)+", 'x', '[1]')", f.user)
		require.Equal(t, db.ViolationCheck, kind(d.Dialect.TranslateError(err)), "metadata must be an object")
		_, err = d.ExecContext(ctx, "INSERT INTO artists (user_id) VALUES ("+p(1)+")", f.user)
		require.Equal(t, db.ViolationNotNull, kind(d.Dialect.TranslateError(err)))

		// Defaults: uuid ids, RFC 3339 timestamps, '{}' metadata, draft status.
		var id, status, metadata, created string
		require.NoError(t, d.QueryRowContext(ctx, "SELECT id, status, metadata, created_at FROM projects WHERE id = "+p(1), f.project).
			Scan(&id, &status, &metadata, &created))
		require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, id)
		require.Equal(t, "draft", status)
		require.JSONEq(t, `{}`, metadata)
		_, err = time.Parse(time.RFC3339Nano, normalizeTime(created))
		require.NoError(t, err, "created_at %q", created)
	})
}

// normalizeTime accepts what each driver returns for a timestamptz scanned
// into a string.
func normalizeTime(s string) string {
	if tm, err := time.Parse("2006-01-02 15:04:05.999999999-07:00", s); err == nil {
		return tm.Format(time.RFC3339Nano)
	}
	if tm, err := time.Parse("2006-01-02 15:04:05.999999999-07", s); err == nil {
		return tm.Format(time.RFC3339Nano)
	}
	return s
}

func TestUpdatedAtMaintainedByDatabase(t *testing.T) {
	t.Parallel()
	dbtest.ForEachBackend(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		p := d.Dialect.Placeholder
		f := seed(t, d, "a@example.com")
		read := func() time.Time {
			var v any
			require.NoError(t, d.QueryRowContext(ctx, "SELECT updated_at FROM artists WHERE id = "+p(1), f.artist).Scan(&v))
			switch x := v.(type) {
			case time.Time:
				return x
			case string:
				tm, err := time.Parse(time.RFC3339Nano, x)
				require.NoError(t, err)
				return tm
			}
			t.Fatalf("updated_at has type %T", v)
			return time.Time{}
		}
		before := read()
		time.Sleep(20 * time.Millisecond)
		_, err := d.ExecContext(ctx, "UPDATE artists SET name = 'B' WHERE id = "+p(1), f.artist)
		require.NoError(t, err)
		require.True(t, read().After(before), "updated_at moves on update")
	})
}

func TestDeletingParentDeletesChildren(t *testing.T) {
	t.Parallel()
	dbtest.ForEachBackend(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		p := d.Dialect.Placeholder
		f := seed(t, d, "a@example.com")
		track := insertTrack(t, d, f, "")
		_, err := d.ExecContext(ctx, "INSERT INTO track_versions (track_id, user_id, version_number) VALUES ("+p(1)+", "+p(2)+", 1)", track, f.user)
		require.NoError(t, err)

		require.NoError(t, d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "DELETE FROM auth_users WHERE id = "+p(1), f.user)
			return err
		}))
		for _, table := range []string{"artists", "projects", "tracks", "track_versions"} {
			var n int
			require.NoError(t, d.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n))
			require.Zero(t, n, table)
		}
	})
}

func TestTrackFollowsNewestVersion(t *testing.T) {
	t.Parallel()
	dbtest.ForEachBackend(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		p := d.Dialect.Placeholder
		f := seed(t, d, "a@example.com")
		track := insertTrack(t, d, f, "own.mp3")
		audio := func() (string, float64) {
			t.Helper()
			var a string
			var dur float64
			require.NoError(t, d.QueryRowContext(ctx, "SELECT audio_url, coalesce(duration, 0) FROM tracks WHERE id = "+p(1), track).Scan(&a, &dur))
			return a, dur
		}
		addVersion := func(n int, url string, dur float64) string {
			t.Helper()
			var id string
			require.NoError(t, d.QueryRowContext(ctx, "INSERT INTO track_versions (track_id, user_id, version_number, audio_url, duration, waveform_data) VALUES ("+
				p(1)+", "+p(2)+", "+p(3)+", "+p(4)+", "+p(5)+", '[0.5]') RETURNING id", track, f.user, n, url, dur).Scan(&id))
			return id
		}
		a, _ := audio()
		require.Equal(t, "own.mp3", a, "no version yet: the track's own value")
		v1 := addVersion(1, "v1.mp3", 10)
		a, dur := audio()
		require.Equal(t, "v1.mp3", a)
		require.Equal(t, 10.0, dur)
		v2 := addVersion(2, "v2.mp3", 20)
		a, _ = audio()
		require.Equal(t, "v2.mp3", a)
		_, err := d.ExecContext(ctx, "UPDATE track_versions SET audio_url = 'v1b.mp3' WHERE id = "+p(1), v1)
		require.NoError(t, err)
		a, _ = audio()
		require.Equal(t, "v2.mp3", a, "editing an older version leaves the newest in place")
		_, err = d.ExecContext(ctx, "DELETE FROM track_versions WHERE id = "+p(1), v2)
		require.NoError(t, err)
		a, dur = audio()
		require.Equal(t, "v1b.mp3", a, "deleting the newest falls back to the one before")
		require.Equal(t, 10.0, dur)
	})
}
