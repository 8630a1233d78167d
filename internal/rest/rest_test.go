package rest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"tunebase/internal/app/apptest"
	"tunebase/internal/config"
	"tunebase/internal/db/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

// user is a signed-up user with an access token.
type user struct {
	id, token string
}

type bundle struct {
	s *apptest.Server
}

func forEachBackend(t *testing.T, fn func(t *testing.T, b *bundle)) {
	for _, backend := range dbtest.Backends() {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			fn(t, &bundle{s: apptest.Start(t, backend, nil)})
		})
	}
}

func (b *bundle) signup(t testing.TB, email string) user {
	t.Helper()
	r := b.s.Do(t, "POST", "/auth/v1/signup", map[string]any{"email": email, "password": "password1", "data": map[string]any{"display_name": email}}, "apikey", b.s.AnonKey)
	require.Equal(t, 200, r.Status, "%s", r.Body)
	m := r.Object(t)
	return user{id: m["user"].(map[string]any)["id"].(string), token: m["access_token"].(string)}
}

// as sends a request as u (zero user: anon; "service": service_role).
func (b *bundle) as(t testing.TB, u user, method, path string, body any, headers ...string) apptest.Response {
	t.Helper()
	token := u.token
	switch u.id {
	case "":
		token = b.s.AnonKey
	case "service":
		token = b.s.ServiceRoleKey
	}
	h := append([]string{"apikey", b.s.AnonKey, "Authorization", "Bearer " + token}, headers...)
	return b.s.Do(t, method, path, body, h...)
}

var service = user{id: "service"}

func rows(t *testing.T, r apptest.Response) []map[string]any {
	t.Helper()
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	var out []map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &out), "%s", r.Body)
	return out
}

func created(t testing.TB, r apptest.Response) map[string]any {
	t.Helper()
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	var out []map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &out), "%s", r.Body)
	require.Len(t, out, 1)
	return out[0]
}

const repr = "return=representation"

// catalogue is one user's artist, project and tracks.
type catalogue struct {
	artist, project string
	tracks          []string
}

func (b *bundle) seed(t testing.TB, u user, status string, tracks int) catalogue {
	t.Helper()
	var c catalogue
	c.artist = created(t, b.as(t, u, "POST", "/rest/v1/artists", map[string]any{"name": "Artist of " + u.id[:8], "metadata": map[string]any{"genre": "Electronic"}}, "Prefer", repr))["id"].(string)
	c.project = created(t, b.as(t, u, "POST", "/rest/v1/projects", map[string]any{"artist_id": c.artist, "title": "Album", "type": "album", "status": status}, "Prefer", repr))["id"].(string)
	for i := 1; i <= tracks; i++ {
		tr := created(t, b.as(t, u, "POST", "/rest/v1/tracks", map[string]any{"project_id": c.project, "title": fmt.Sprintf("Track %d", i), "track_number": i}, "Prefer", repr))
		c.tracks = append(c.tracks, tr["id"].(string))
	}
	return c
}

func TestDocumentExamples(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *bundle) {
		ann := b.signup(t, "ann@example.com")
		c := b.seed(t, ann, "draft", 3)

		prof := rows(t, b.as(t, ann, "GET", "/rest/v1/profiles?select=*&user_id=eq."+ann.id, nil))
		require.Len(t, prof, 1)
		require.Equal(t, "ann@example.com", prof[0]["display_name"])

		r := b.as(t, ann, "PATCH", "/rest/v1/profiles?user_id=eq."+ann.id, map[string]any{"display_name": "Новое имя", "bio": "Новое описание"})
		require.Equal(t, http.StatusNoContent, r.Status, "%s", r.Body)
		prof = rows(t, b.as(t, ann, "GET", "/rest/v1/profiles?user_id=eq."+ann.id, nil))
		require.Equal(t, "Новое имя", prof[0]["display_name"])
		require.NotEqual(t, prof[0]["created_at"], prof[0]["updated_at"])

		artists := rows(t, b.as(t, ann, "GET", "/rest/v1/artists?select=*&user_id=eq."+ann.id+"&order=created_at.desc", nil))
		require.Len(t, artists, 1)
		require.Equal(t, map[string]any{"genre": "Electronic"}, artists[0]["metadata"])

		projects := rows(t, b.as(t, ann, "GET", "/rest/v1/projects?select=*,tracks(*)&artist_id=eq."+c.artist+"&order=created_at.desc", nil))
		require.Len(t, projects, 1)
		require.Len(t, projects[0]["tracks"], 3)

		tracks := rows(t, b.as(t, ann, "GET", "/rest/v1/tracks?select=*,track_versions(*)&project_id=eq."+c.project+"&order=track_number.asc", nil))
		require.Len(t, tracks, 3)
		require.Equal(t, "Track 1", tracks[0]["title"])
		require.Equal(t, []any{}, tracks[0]["track_versions"])

		gens := rows(t, b.as(t, ann, "GET", "/rest/v1/ai_generations?select=*&user_id=eq."+ann.id+"&order=created_at.desc&limit=20", nil))
		require.Empty(t, gens)
	})
}

func TestRowRules(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *bundle) {
		ann, bob := b.signup(t, "ann@example.com"), b.signup(t, "bob@example.com")
		draft := b.seed(t, ann, "draft", 2)
		pub := b.seed(t, ann, "published", 2)
		anon := user{}

		// Bob and anon see only the published project, its tracks and artist.
		for _, u := range []user{bob, anon} {
			ps := rows(t, b.as(t, u, "GET", "/rest/v1/projects?select=id,tracks(id),artists(id)", nil))
			require.Len(t, ps, 1)
			require.Equal(t, pub.project, ps[0]["id"])
			require.Len(t, ps[0]["tracks"], 2)
			require.NotNil(t, ps[0]["artists"])
			require.Len(t, rows(t, b.as(t, u, "GET", "/rest/v1/tracks", nil)), 2)
			// Embedding up from a public artist does not reveal the draft.
			as := rows(t, b.as(t, u, "GET", "/rest/v1/artists?select=id,projects(id)&id=eq."+draft.artist, nil))
			require.Empty(t, as, "the draft's artist has no published project")
		}
		require.Len(t, rows(t, b.as(t, ann, "GET", "/rest/v1/projects", nil)), 2)
		require.Len(t, rows(t, b.as(t, service, "GET", "/rest/v1/tracks", nil)), 4)

		// Bob cannot change or delete Ann's rows: nothing matches for him.
		r := b.as(t, bob, "PATCH", "/rest/v1/tracks?id=eq."+pub.tracks[0], map[string]any{"title": "hijacked"}, "Prefer", repr)
		require.Equal(t, "[]", string(r.Body))
		r = b.as(t, bob, "DELETE", "/rest/v1/projects?id=eq."+pub.project, nil)
		require.Equal(t, http.StatusNoContent, r.Status)
		require.Len(t, rows(t, b.as(t, ann, "GET", "/rest/v1/projects?id=eq."+pub.project, nil)), 1)

		// Inserting under someone else's parent or user_id is 403.
		r = b.as(t, bob, "POST", "/rest/v1/tracks", map[string]any{"project_id": pub.project, "title": "x", "track_number": 9})
		require.Equal(t, http.StatusForbidden, r.Status, "%s", r.Body)
		r = b.as(t, bob, "POST", "/rest/v1/artists", map[string]any{"name": "x", "user_id": ann.id})
		require.Equal(t, http.StatusForbidden, r.Status, "%s", r.Body)
		r = b.as(t, bob, "POST", "/rest/v1/ai_generations", map[string]any{"prompt": "x", "service": "suno"})
		require.Equal(t, http.StatusForbidden, r.Status, "%s", r.Body)
		r = b.as(t, anon, "POST", "/rest/v1/artists", map[string]any{"name": "x"})
		require.Equal(t, http.StatusUnauthorized, r.Status, "%s", r.Body)

		// A missing parent is a conflict, not a 500.
		r = b.as(t, ann, "POST", "/rest/v1/tracks", map[string]any{"project_id": "00000000-0000-4000-8000-000000000000", "title": "x", "track_number": 1})
		require.Equal(t, http.StatusConflict, r.Status, "%s", r.Body)

		// An array insert is all or nothing.
		r = b.as(t, ann, "POST", "/rest/v1/tracks", []any{
			map[string]any{"project_id": draft.project, "title": "ok", "track_number": 7},
			map[string]any{"project_id": pub.project, "title": "dup", "track_number": 1},
		})
		require.Equal(t, http.StatusConflict, r.Status, "%s", r.Body)
		require.Len(t, rows(t, b.as(t, ann, "GET", "/rest/v1/tracks?track_number=eq.7", nil)), 0)

		// user_id defaults to the caller.
		a := created(t, b.as(t, bob, "POST", "/rest/v1/artists", map[string]any{"name": "Bob's"}, "Prefer", repr))
		require.Equal(t, bob.id, a["user_id"])
	})
}

func TestQueryGrammar(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *bundle) {
		ann := b.signup(t, "ann@example.com")
		c := b.seed(t, ann, "published", 5)
		get := func(q string, headers ...string) []map[string]any {
			t.Helper()
			return rows(t, b.as(t, ann, "GET", "/rest/v1/"+q, nil, headers...))
		}
		require.Len(t, get("tracks?track_number=gte.2&track_number=lt.5"), 3)
		require.Len(t, get("tracks?track_number=in.(1,3,5)"), 3)
		require.Len(t, get("tracks?track_number=not.in.(1,3,5)"), 2)
		require.Len(t, get("tracks?title=like.*3"), 1)
		require.Len(t, get("tracks?title=ilike.TRACK*"), 5)
		require.Len(t, get("tracks?or=(track_number.eq.1,and(track_number.gt.3,title.neq.Track%205))"), 2)
		require.Len(t, get("tracks?lyrics=is.null"), 5)
		require.Len(t, get("artists?metadata->>genre=eq.Electronic"), 1)
		require.Len(t, get("artists?metadata=cs.{\"genre\":\"Electronic\"}"), 1)
		require.Len(t, get("tracks?title=match.^Track%20[12]$"), 2)
		require.Len(t, get("tracks?title=fts.track"), 5)

		ordered := get("tracks?select=track_number&order=track_number.desc&limit=2&offset=1")
		require.Equal(t, []map[string]any{{"track_number": 4.0}, {"track_number": 3.0}}, ordered)

		embed := get("projects?select=id,tracks(track_number)&tracks.order=track_number.desc&tracks.limit=2&id=eq." + c.project)
		require.Equal(t, []any{map[string]any{"track_number": 5.0}, map[string]any{"track_number": 4.0}}, embed[0]["tracks"])

		inner := get("projects?select=id,tracks!inner(id)&tracks.track_number=eq.99")
		require.Empty(t, inner)

		r := b.as(t, ann, "GET", "/rest/v1/tracks?select=id&limit=2", nil, "Prefer", "count=exact")
		require.Equal(t, "0-1/5", r.Header.Get("Content-Range"))

		for q, code := range map[string]string{
			"tracks?id=eq.not-a-uuid":    "VALIDATION_INVALID_FORMAT",
			"tracks?track_number=eq.x":   "VALIDATION_INVALID_FORMAT",
			"tracks?nope=eq.1":           "PGRST204",
			"tracks?select=nope":         "PGRST204",
			"tracks?select=*,artists(*)": "PGRST200",
			"nosuchtable":                "PGRST205",
			"tracks?title=bogus.1":       "PGRST100",
			"tracks?title=match.(":       "VALIDATION_INVALID_FORMAT",
		} {
			r := b.as(t, ann, "GET", "/rest/v1/"+q, nil)
			require.GreaterOrEqual(t, r.Status, 400, q)
			require.Less(t, r.Status, 500, "%s: %s", q, r.Body)
			require.Equal(t, code, r.Object(t)["code"], "%s: %s", q, r.Body)
		}
	})
}

func TestBodiesAndFormats(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *bundle) {
		ann := b.signup(t, "ann@example.com")
		for _, body := range []string{`{"name":`, `"just a string"`, `[1,2]`, ``} {
			r := b.as(t, ann, "POST", "/rest/v1/artists", body)
			require.Equal(t, http.StatusBadRequest, r.Status, "%q: %s", body, r.Body)
			require.Equal(t, "VALIDATION_INVALID_FORMAT", r.Object(t)["code"], "%q", body)
		}
		r := b.as(t, ann, "GET", "/rest/v1/artists?select=id,name,g:metadata->>genre", nil, "Accept", "text/csv")
		require.Equal(t, http.StatusOK, r.Status)
		require.Equal(t, "id,name,g\n", string(r.Body), "an empty CSV still has its header")
		r = b.as(t, ann, "GET", "/rest/v1/artists", nil, "Accept", "application/xml")
		require.Equal(t, http.StatusNotAcceptable, r.Status)
		r = b.as(t, ann, "GET", "/rest/v1/artists", nil, "Accept-Profile", "private")
		require.Equal(t, http.StatusNotAcceptable, r.Status)
		r = b.as(t, ann, "HEAD", "/rest/v1/artists", nil, "Prefer", "count=exact")
		require.Equal(t, http.StatusOK, r.Status)
		require.Empty(t, r.Body)
		require.Equal(t, "*/0", r.Header.Get("Content-Range"))
	})
}

func TestConcurrentWrites(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *bundle) {
		ann := b.signup(t, "ann@example.com")
		c := b.seed(t, ann, "draft", 0)
		const n = 16
		statuses := make([]int, 2*n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(2)
			go func() { // distinct numbers: all succeed
				defer wg.Done()
				statuses[i] = b.as(t, ann, "POST", "/rest/v1/tracks", map[string]any{"project_id": c.project, "title": "t", "track_number": 100 + i}).Status
			}()
			go func() { // the same number: exactly one wins
				defer wg.Done()
				statuses[n+i] = b.as(t, ann, "POST", "/rest/v1/tracks", map[string]any{"project_id": c.project, "title": "same", "track_number": 1}).Status
			}()
		}
		wg.Wait()
		for i := range n {
			require.Equal(t, http.StatusCreated, statuses[i], "distinct insert %d", i)
		}
		won := 0
		for _, s := range statuses[n:] {
			require.Contains(t, []int{http.StatusCreated, http.StatusConflict}, s)
			if s == http.StatusCreated {
				won++
			}
		}
		require.Equal(t, 1, won)
		require.Len(t, rows(t, b.as(t, ann, "GET", "/rest/v1/tracks?select=id", nil)), n+1)
	})
}

func TestUnknownFunction(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, dbtest.Backends()[0], nil)
	r := s.Do(t, "POST", "/rest/v1/rpc/nope", map[string]any{}, "apikey", s.AnonKey)
	require.Equal(t, http.StatusNotFound, r.Status)
	require.Equal(t, "PGRST202", r.Object(t)["code"])
}

func TestWritesReturnEmbeds(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *bundle) {
		ann := b.signup(t, "ann@example.com")
		c := b.seed(t, ann, "draft", 1)
		tr := created(t, b.as(t, ann, "POST", "/rest/v1/tracks?select=title,project:projects(title,artists(name))",
			map[string]any{"project_id": c.project, "title": "Two", "track_number": 2}, "Prefer", repr))
		require.Equal(t, map[string]any{"title": "Two", "project": map[string]any{"title": "Album", "artists": map[string]any{"name": "Artist of " + ann.id[:8]}}}, tr)

		r := b.as(t, ann, "PATCH", "/rest/v1/projects?select=title,tracks(track_number)&tracks.order=track_number.desc&id=eq."+c.project,
			map[string]any{"title": "Renamed"}, "Prefer", repr)
		got := rows(t, r)
		require.Equal(t, []map[string]any{{"title": "Renamed", "tracks": []any{map[string]any{"track_number": 2.0}, map[string]any{"track_number": 1.0}}}}, got)

		r = b.as(t, ann, "DELETE", "/rest/v1/tracks?select=title&track_number=eq.2&project_id=eq."+c.project, nil, "Prefer", repr)
		require.Equal(t, []map[string]any{{"title": "Two"}}, rows(t, r))
	})
}

func TestMaxRows(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, dbtest.Backends()[0], func(c *config.Config) { c.MaxRows = 2 })
	b := &bundle{s: s}
	ann := b.signup(t, "ann@example.com")
	b.seed(t, ann, "draft", 3)
	r := b.as(t, ann, "GET", "/rest/v1/tracks?select=id", nil, "Prefer", "count=exact")
	require.Len(t, rows(t, r), 2)
	require.Equal(t, "0-1/3", r.Header.Get("Content-Range"))
	require.Len(t, rows(t, b.as(t, ann, "GET", "/rest/v1/tracks?select=id&limit=50", nil)), 2)
}

func TestOrderByEmbeddedColumn(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *bundle) {
		ann := b.signup(t, "ann@example.com")
		first := b.seed(t, ann, "draft", 1)
		second := b.seed(t, ann, "draft", 1)
		r := b.as(t, ann, "PATCH", "/rest/v1/projects?id=eq."+second.project, map[string]any{"title": "Zeta"})
		require.Equal(t, http.StatusNoContent, r.Status)
		got := rows(t, b.as(t, ann, "GET", "/rest/v1/tracks?select=id,p:projects(title)&order=p(title).desc", nil))
		require.Equal(t, second.tracks[0], got[0]["id"])
		require.Equal(t, first.tracks[0], got[1]["id"])
		got = rows(t, b.as(t, ann, "GET", "/rest/v1/tracks?select=id,projects(title)&order=projects(title).asc", nil))
		require.Equal(t, first.tracks[0], got[0]["id"])
		r = b.as(t, ann, "GET", "/rest/v1/projects?select=id,tracks(title)&order=tracks(title)", nil)
		require.Equal(t, http.StatusBadRequest, r.Status, "to-many cannot order the parent")
		r = b.as(t, ann, "GET", "/rest/v1/tracks?select=id&order=projects(title)", nil)
		require.Equal(t, http.StatusBadRequest, r.Status, "the embed must be selected")
	})
}

func TestImpossibleCastsAre400(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, b *bundle) {
		ann := b.signup(t, "ann@example.com")
		b.seed(t, ann, "draft", 1)
		for _, q := range []string{"artists?select=user_id::json", "tracks?select=metadata::date", "tracks?title=fts(nosuchconfig).a"} {
			r := b.as(t, ann, "GET", "/rest/v1/"+q, nil)
			if r.Status == http.StatusOK {
				continue // SQLite casts loosely where PostgreSQL refuses
			}
			require.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", q, r.Body)
			require.Equal(t, "VALIDATION_INVALID_FORMAT", r.Object(t)["code"], q)
		}
	})
}
