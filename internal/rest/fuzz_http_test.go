package rest_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"tunebase/internal/app/apptest"
	"tunebase/internal/db/dbtest"
)

// FuzzQueryString sends arbitrary query strings through the whole stack
// (parser, compiler, SQL on SQLite) as a signed-in user, for every verb
// (writes with Prefer: tx=rollback, so the data set stays as seeded):
// whatever the input, the answer is never a 500.
func FuzzQueryString(f *testing.F) {
	for _, seed := range []string{
		"select=*,tracks(*)&order=created_at.desc",
		"select=title,p:projects(title,artists(name))&order=p(title).desc",
		"select=id,tracks!inner(id)&tracks.track_number=eq.1",
		"title=ilike.*a*&or=(track_number.gt.1,and(lyrics.is.null,title.neq.x))",
		"metadata->>genre=eq.x&metadata=cs.{\"a\":1}&waveform_data=ov.{1,2}",
		"title=fts(english).a&title=wfts.\"a b\" -c&title=match.^a",
		"select=d:duration::text,n:track_number::int&limit=2&offset=1",
		"track_number=in.(1,2,\"3\")&id=not.eq.00000000-0000-4000-8000-000000000000",
		"select=id,tracks(count)&tracks.order=title.asc.nullsfirst&tracks.limit=1",
		"created_at=gt.2026-01-01&updated_at=lte.now",
		"select=...projects(title)", "select=x::json->a", "order=title->>a.desc", "limit=-1",
	} {
		f.Add("projects", seed)
		f.Add("tracks", seed)
	}
	s := apptest.Start(f, dbtest.SQLite, nil)
	b := &bundle{s: s}
	ann := b.signup(f, "fuzz@example.com")
	c := b.seed(f, ann, "published", 2)
	f.Fuzz(func(t *testing.T, table, q string) {
		vals, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		q = vals.Encode() // what a client can send
		bodies := map[string]any{
			"GET":    nil,
			"PATCH":  map[string]any{"title": "fuzzed"},
			"DELETE": nil,
			"POST":   []any{map[string]any{"project_id": c.project, "title": "fuzzed", "track_number": 7}, map[string]any{"title": "t", "artist_id": c.artist, "type": "ep"}},
		}
		for method, body := range bodies {
			start := time.Now()
			r := b.as(t, ann, method, "/rest/v1/"+url.PathEscape(table)+"?"+q, body, "Prefer", "tx=rollback, return=representation")
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("%s /rest/v1/%s?%s took %s", method, table, q, d)
			}
			if r.Status >= http.StatusInternalServerError {
				t.Fatalf("%s /rest/v1/%s?%s: %d %s", method, table, q, r.Status, r.Body)
			}
		}
	})
}
