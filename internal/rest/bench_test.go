package rest_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"tunebase/internal/app/apptest"
	"tunebase/internal/db"
	"tunebase/internal/db/dbtest"
	"tunebase/internal/principal"
)

// BenchmarkDocumentQuery compares the API document's query
//
//	GET /rest/v1/projects?select=*,tracks(*)&artist_id=eq.X&order=created_at.desc
//
// over HTTP with the same SQL statement run through the driver directly,
// on each backend, on a data set of 100 users × 3 artists × 10 projects ×
// 12 tracks, as the owner of artist X (10 projects of 12 tracks each).
//
// Besides the ns/op of the http and direct sub-benchmarks, each backend
// runs a one-shot measurement (docOneShotIterations alternating pairs,
// independent of b.N) and prints p50/p99 of both and the p50 ratio. The
// last columns time the direct call with a cancellable context, as the
// server's request context is (on SQLite the driver then installs its
// interrupt machinery, a progress handler), to show that cost apart.
func BenchmarkDocumentQuery(b *testing.B) {
	for _, backend := range dbtest.Backends() {
		b.Run(backend, func(b *testing.B) {
			f := newDocFixture(b, backend)
			f.check(b)
			st := f.oneShot(b)
			fmt.Printf("%-10s %12s %12s %12s %12s %10s %16s %10s\n", "backend", "p50 http", "p99 http", "p50 direct", "p99 direct", "ratio p50",
				"p50 direct+ctx", "ratio ctx")
			fmt.Printf("%-10s %12s %12s %12s %12s %10.2f %16s %10.2f\n", backend,
				st.httpP50, st.httpP99, st.directP50, st.directP99, st.ratio(),
				st.directCtxP50, float64(st.httpP50)/float64(st.directCtxP50))

			b.Run("http", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					f.viaHTTP(b)
				}
				b.ReportMetric(float64(st.httpP50.Nanoseconds()), "p50-ns")
				b.ReportMetric(float64(st.httpP99.Nanoseconds()), "p99-ns")
				b.ReportMetric(st.ratio(), "p50-ratio")
			})
			b.Run("direct", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					f.direct(b)
				}
				b.ReportMetric(float64(st.directP50.Nanoseconds()), "p50-ns")
				b.ReportMetric(float64(st.directP99.Nanoseconds()), "p99-ns")
				b.ReportMetric(st.ratio(), "p50-ratio")
			})
		})
	}
}

// Seed shape.
const (
	docUsers             = 100
	docArtistsPerUser    = 3
	docProjectsPerArt    = 10
	docTracksPerProject  = 12
	docOneShotIterations = 300
	docWarmup            = 20
)

type docFixture struct {
	s      *apptest.Server
	client *http.Client
	url    string // the document query for the owner's first artist
	token  string // the owner's access token
	owner  string // user id
	artist string // artist id
	sql    string // the hand-written equivalent statement
	args   []any
	buf    bytes.Buffer
	rows   []string
}

func newDocFixture(b *testing.B, backend string) *docFixture {
	b.Helper()
	s := apptest.Start(b, backend, nil)
	f := &docFixture{
		s: s,
		client: &http.Client{Transport: &http.Transport{
			MaxIdleConnsPerHost: 4,
			DisableCompression:  true,
		}},
	}
	b.Cleanup(f.client.CloseIdleConnections)

	start := time.Now()
	f.owner, f.artist = seedDocData(b, s.App.DB)
	b.Logf("%s: seeded in %s", backend, time.Since(start).Round(time.Millisecond))

	tok, err := s.App.Keys.Sign(principal.Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   f.owner,
			IssuedAt:  jwt.NewNumericDate(time.Now()),
			ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour)),
		},
		Role: principal.RoleAuthenticated,
	})
	if err != nil {
		b.Fatal(err)
	}
	f.token = tok
	f.url = s.URL + "/rest/v1/projects?select=*,tracks(*)&artist_id=eq." + f.artist + "&order=created_at.desc"

	switch backend {
	case dbtest.Postgres:
		f.sql = docSQLPostgres
	case dbtest.SQLite:
		f.sql = docSQLSQLite
	default:
		b.Fatalf("no hand-written SQL for backend %q", backend)
	}
	// The REST layer binds, in order: the tracks row rule's user, the
	// projects row rule's user, the artist_id filter and the max-rows limit.
	f.args = []any{f.owner, f.owner, f.artist, int64(1000)}
	return f
}

// seedDocData inserts the data set in one transaction and returns the
// first user's id and that user's first artist.
func seedDocData(b *testing.B, d *db.DB) (owner, artist string) {
	b.Helper()
	ph := d.Dialect.Placeholder
	isPG := d.Dialect.Name() == dbtest.Postgres
	// Distinct created_at per project, so that order=created_at.desc is a
	// total order (now() is constant within a PostgreSQL transaction).
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := func(i int) any {
		t := base.Add(time.Duration(i) * time.Second)
		if isPG {
			return t
		}
		return db.FormatTime(t)
	}
	lyrics := func(p, n int) string {
		var sb strings.Builder
		for l := 1; l <= 6; l++ {
			fmt.Fprintf(&sb, "Line %d of track %d in project %d, la la la, the night goes on and on\n", l, n, p)
		}
		return sb.String()
	}

	insUser := "INSERT INTO auth_users (email, encrypted_password) VALUES (" + ph(1) + ", 'x') RETURNING id"
	insArtist := "INSERT INTO artists (user_id, name) VALUES (" + ph(1) + ", " + ph(2) + ") RETURNING id"
	insProject := "INSERT INTO projects (artist_id, user_id, title, type, status, created_at) VALUES (" +
		ph(1) + ", " + ph(2) + ", " + ph(3) + ", 'album', " + ph(4) + ", " + ph(5) + ") RETURNING id"
	var tracksSQL strings.Builder
	tracksSQL.WriteString("INSERT INTO tracks (project_id, user_id, title, track_number, lyrics) VALUES ")
	for i := range docTracksPerProject {
		if i > 0 {
			tracksSQL.WriteString(", ")
		}
		n := i * 5
		fmt.Fprintf(&tracksSQL, "(%s, %s, %s, %s, %s)", ph(n+1), ph(n+2), ph(n+3), ph(n+4), ph(n+5))
	}
	insTracks := tracksSQL.String()

	ctx := context.Background()
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		project := 0
		for u := range docUsers {
			var uid string
			if err := tx.QueryRowContext(ctx, insUser, fmt.Sprintf("bench-%03d@example.com", u)).Scan(&uid); err != nil {
				return fmt.Errorf("user: %w", err)
			}
			if u == 0 {
				owner = uid
			}
			for a := range docArtistsPerUser {
				var aid string
				if err := tx.QueryRowContext(ctx, insArtist, uid, fmt.Sprintf("Artist %d.%d", u, a)).Scan(&aid); err != nil {
					return fmt.Errorf("artist: %w", err)
				}
				if u == 0 && a == 0 {
					artist = aid
				}
				for p := range docProjectsPerArt {
					project++
					status := "draft"
					if p%2 == 1 {
						status = "published"
					}
					var pid string
					if err := tx.QueryRowContext(ctx, insProject, aid, uid, fmt.Sprintf("Album %d", project), status, ts(project)).Scan(&pid); err != nil {
						return fmt.Errorf("project: %w", err)
					}
					args := make([]any, 0, docTracksPerProject*5)
					for n := 1; n <= docTracksPerProject; n++ {
						args = append(args, pid, uid, fmt.Sprintf("Track %d", n), n, lyrics(project, n))
					}
					if _, err := tx.ExecContext(ctx, insTracks, args...); err != nil {
						return fmt.Errorf("tracks: %w", err)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("seed: %v", err)
	}
	if _, err := d.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatalf("analyze: %v", err)
	}
	return owner, artist
}

// viaHTTP runs the document query over HTTP and keeps the body in f.buf.
func (f *docFixture) viaHTTP(b *testing.B) {
	req, err := http.NewRequest(http.MethodGet, f.url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("apikey", f.s.AnonKey)
	req.Header.Set("Authorization", "Bearer "+f.token)
	resp, err := f.client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	f.buf.Reset()
	_, err = f.buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d %s", f.url, resp.StatusCode, f.buf.Bytes())
	}
}

// direct runs the equivalent statement through database/sql and keeps each
// row's JSON text in f.rows.
func (f *docFixture) direct(b *testing.B) { f.directWith(context.Background(), b) }

// directWith is direct with the given context.
func (f *docFixture) directWith(ctx context.Context, b *testing.B) {
	rows, err := f.s.App.DB.QueryContext(ctx, f.sql, f.args...)
	if err != nil {
		b.Fatal(err)
	}
	f.rows = f.rows[:0]
	for rows.Next() {
		var j string
		if err := rows.Scan(&j); err != nil {
			rows.Close()
			b.Fatal(err)
		}
		f.rows = append(f.rows, j)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	rows.Close()
}

// check asserts that both paths return the same ten projects of twelve
// tracks, in the same order.
func (f *docFixture) check(b *testing.B) {
	b.Helper()
	f.viaHTTP(b)
	var viaHTTP []any
	if err := json.Unmarshal(f.buf.Bytes(), &viaHTTP); err != nil {
		b.Fatalf("http body: %v", err)
	}
	f.direct(b)
	var direct []any
	for _, r := range f.rows {
		var v any
		if err := json.Unmarshal([]byte(r), &v); err != nil {
			b.Fatalf("direct row: %v: %s", err, r)
		}
		direct = append(direct, v)
	}
	if len(viaHTTP) != docProjectsPerArt {
		b.Fatalf("http: %d projects, want %d", len(viaHTTP), docProjectsPerArt)
	}
	for i, p := range viaHTTP {
		if n := len(p.(map[string]any)["tracks"].([]any)); n != docTracksPerProject {
			b.Fatalf("http: project %d has %d tracks, want %d", i, n, docTracksPerProject)
		}
	}
	if !reflect.DeepEqual(viaHTTP, direct) {
		hb, _ := json.Marshal(viaHTTP)
		db2, _ := json.Marshal(direct)
		b.Fatalf("http and direct differ:\nhttp:   %.600s\ndirect: %.600s", hb, db2)
	}
	b.Logf("response: %d bytes, %d projects", f.buf.Len(), len(viaHTTP))
}

type docStats struct {
	httpP50, httpP99, directP50, directP99, directCtxP50 time.Duration
}

func (s docStats) ratio() float64 { return float64(s.httpP50) / float64(s.directP50) }

// oneShot times docOneShotIterations pairs of http and direct, swapping
// which goes first every iteration, after a short warm-up.
func (f *docFixture) oneShot(b *testing.B) docStats {
	b.Helper()
	for range docWarmup {
		f.viaHTTP(b)
		f.direct(b)
	}
	httpT := make([]time.Duration, 0, docOneShotIterations)
	directT := make([]time.Duration, 0, docOneShotIterations)
	timeHTTP := func() {
		t := time.Now()
		f.viaHTTP(b)
		httpT = append(httpT, time.Since(t))
	}
	timeDirect := func() {
		t := time.Now()
		f.direct(b)
		directT = append(directT, time.Since(t))
	}
	directCtxT := make([]time.Duration, 0, docOneShotIterations)
	timeDirectCtx := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		t := time.Now()
		f.directWith(ctx, b)
		directCtxT = append(directCtxT, time.Since(t))
	}
	for i := range docOneShotIterations {
		if i%2 == 0 {
			timeHTTP()
			timeDirect()
		} else {
			timeDirect()
			timeHTTP()
		}
		timeDirectCtx()
	}
	slices.Sort(httpT)
	slices.Sort(directT)
	slices.Sort(directCtxT)
	return docStats{
		httpP50: percentile(httpT, 50), httpP99: percentile(httpT, 99),
		directP50: percentile(directT, 50), directP99: percentile(directT, 99),
		directCtxP50: percentile(directCtxT, 50),
	}
}

// percentile returns the p-th percentile (nearest rank) of sorted ds.
func percentile(ds []time.Duration, p int) time.Duration {
	i := (len(ds)*p + 99) / 100
	if i < 1 {
		i = 1
	}
	return ds[i-1]
}

// The statement the REST layer compiles for the document query as the
// owner (see compile.go: rowJSON, embed, where, orderLimit, and
// policy.Readable), written out per dialect. Parameters: $1 the tracks row
// rule's user, $2 the projects row rule's user, $3 artist_id, $4 max rows.
const docSQLPostgres = `SELECT (json_build_object(` +
	`'id', t0."id", 'artist_id', t0."artist_id", 'user_id', t0."user_id", 'title', t0."title", ` +
	`'description', t0."description", 'type', t0."type", 'cover_url', t0."cover_url", 'status', t0."status", ` +
	`'metadata', t0."metadata", 'created_at', t0."created_at", 'updated_at', t0."updated_at", ` +
	`'tracks', (SELECT coalesce(json_agg(s_t1.j), '[]'::json) FROM (SELECT json_build_object(` +
	`'id', t1."id", 'project_id', t1."project_id", 'user_id', t1."user_id", 'title', t1."title", ` +
	`'track_number', t1."track_number", 'duration', t1."duration", 'audio_url', t1."audio_url", ` +
	`'waveform_data', t1."waveform_data", 'lyrics', t1."lyrics", 'metadata', t1."metadata", ` +
	`'created_at', t1."created_at", 'updated_at', t1."updated_at") AS j ` +
	`FROM "tracks" AS t1 WHERE t1."project_id" = t0."id" AND (t1."user_id" = $1::uuid OR ` +
	`EXISTS (SELECT 1 FROM projects AS t1_pp WHERE t1_pp."id" = t1."project_id" AND t1_pp."status" = 'published'))) AS s_t1)` +
	`))::text ` +
	`FROM "projects" AS t0 WHERE (t0."user_id" = $2::uuid OR t0."status" = 'published') AND t0."artist_id" = $3::uuid ` +
	`ORDER BY t0."created_at" DESC NULLS FIRST LIMIT $4`

const docSQLSQLite = `SELECT json_object(` +
	`'id', t0."id", 'artist_id', t0."artist_id", 'user_id', t0."user_id", 'title', t0."title", ` +
	`'description', t0."description", 'type', t0."type", 'cover_url', t0."cover_url", 'status', t0."status", ` +
	`'metadata', json(t0."metadata"), 'created_at', t0."created_at", 'updated_at', t0."updated_at", ` +
	`'tracks', json((SELECT coalesce(json_group_array(json(s_t1.j)), json('[]')) FROM (SELECT json_object(` +
	`'id', t1."id", 'project_id', t1."project_id", 'user_id', t1."user_id", 'title', t1."title", ` +
	`'track_number', t1."track_number", 'duration', t1."duration", 'audio_url', t1."audio_url", ` +
	`'waveform_data', json(t1."waveform_data"), 'lyrics', t1."lyrics", 'metadata', json(t1."metadata"), ` +
	`'created_at', t1."created_at", 'updated_at', t1."updated_at") AS j ` +
	`FROM "tracks" AS t1 WHERE t1."project_id" = t0."id" AND (t1."user_id" = ?1 OR ` +
	`EXISTS (SELECT 1 FROM projects AS t1_pp WHERE t1_pp."id" = t1."project_id" AND t1_pp."status" = 'published'))) AS s_t1))` +
	`) ` +
	`FROM "projects" AS t0 WHERE (t0."user_id" = ?2 OR t0."status" = 'published') AND t0."artist_id" = ?3 ` +
	`ORDER BY t0."created_at" DESC NULLS FIRST LIMIT ?4`
