package rest_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRandomQueries sends grammatical but arbitrary requests — every
// column with every operator, cast and value shape — on both backends: the
// answer is a 2xx or a 4xx, never a 500. It complements FuzzQueryString
// (SQLite only, unguided text) with PostgreSQL's stricter typing.
func TestRandomQueries(t *testing.T) {
	t.Parallel()
	columns := map[string][]string{
		"tracks":   {"id", "project_id", "title", "track_number", "duration", "waveform_data", "lyrics", "metadata", "created_at"},
		"projects": {"id", "artist_id", "title", "type", "status", "metadata", "created_at", "updated_at"},
		"artists":  {"id", "user_id", "name", "metadata", "created_at"},
	}
	ops := []string{"eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch", "in", "is", "isdistinct",
		"cs", "cd", "ov", "fts", "plfts", "phfts", "wfts", "fts(english)", "fts(nosuchconfig)", "eq(any)", "like(all)", "sl"}
	values := []string{"1", "-1.5", "x", "Track 1", "true", "null", "not_null", "2026-01-01", "2026-01-01T00:00:00Z",
		"00000000-0000-4000-8000-000000000000", `{"genre":"Electronic"}`, "{1,2}", "{a,b}", "[1,2]", "(1,2)", `("a,b",c)`,
		"*a*", "^T", "(", "a & b", "", "1e400", "'; drop table tracks; --"}
	casts := []string{"", "::text", "::int", "::numeric", "::boolean", "::json", "::uuid", "::date", "::timestamptz", "::bogus"}
	paths := []string{"", "->a", "->>a", "->0", "->>0", "->a->>b"}

	forEachBackend(t, func(t *testing.T, b *bundle) {
		ann := b.signup(t, "ann@example.com")
		b.seed(t, ann, "published", 2)
		rng := rand.New(rand.NewPCG(1, 2))
		pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
		for i := range 800 {
			table := pick([]string{"tracks", "projects", "artists"})
			cols := columns[table]
			col := pick(cols)
			q := url.Values{}
			q.Set("select", "*,"+pick(cols)+pick(paths)+pick(casts))
			q.Add(col+pick(paths), pick([]string{"", "not."})+pick(ops)+"."+pick(values))
			q.Set("order", pick(cols)+pick(paths)+pick([]string{".asc", ".desc.nullslast", ""}))
			if rng.IntN(3) == 0 {
				q.Set("or", "("+pick(cols)+"."+pick(ops)+"."+strings.ReplaceAll(pick(values), ",", "")+","+pick(cols)+".is.null)")
			}
			method := pick([]string{"GET", "GET", "PATCH", "DELETE"})
			var body any
			if method == "PATCH" {
				body = map[string]any{pick(cols): pick([]string{"x", "1", "true"})}
			}
			path := fmt.Sprintf("/rest/v1/%s?%s", table, q.Encode())
			r := b.as(t, ann, method, path, body, "Prefer", "tx=rollback")
			if r.Status >= http.StatusInternalServerError {
				t.Errorf("%d: %s %s → %d %s", i, method, path, r.Status, r.Body)
			}
		}
	})
}
