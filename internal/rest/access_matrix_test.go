package rest_test

import (
	"fmt"
	"net/http"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"tunebase/internal/app/apptest"
)

// The access matrix: every exposed table × verb × actor × draft/published
// parent, asserting that reads show exactly what SPEC.md's row rules allow
// and that no write changes a row the actor does not own. One fixture per
// backend; the cases run one after another against it and each leaves it
// as it found it (PATCH cases restore, DELETE and POST cases work on rows
// made for them).

const (
	amOwner   = "owner"
	amOther   = "other"
	amAnon    = "anon"
	amService = "service"
)

var amActors = []string{amOwner, amOther, amAnon, amService}

type amTable struct {
	name   string
	states []string // "draft"/"published" parent project; "any" when it does not apply
	field  string   // a nullable text column PATCH cases set and restore
}

var amTables = []amTable{
	{"profiles", []string{"any"}, "bio"},
	{"artists", []string{"draft", "published"}, "description"},
	{"projects", []string{"draft", "published"}, "description"},
	{"tracks", []string{"draft", "published"}, "lyrics"},
	{"track_versions", []string{"draft", "published"}, "audio_url"},
	{"ai_generations", []string{"draft", "published"}, "error_message"},
}

// amCase is one cell of the matrix. skip names, per backend ("*" for all),
// a server bug that makes the case fail; the case still asserts the
// correct behaviour.
type amCase struct {
	name string
	skip map[string]string
	run  func(t *testing.T, f *amFixture)
}

// amFixture: the owner has a public artist (with a draft and a published
// project, each with a track, a version and a generation) and a private
// artist without projects; the other user has a private artist with a
// draft project, track, version and generation.
type amFixture struct {
	b            *bundle
	owner, other user

	ownerProfile, otherProfile string
	artist, privArtist         string // owner's public / private artist
	proj, track, version, gen  map[string]string

	otherArtist, otherProject, otherTrack, otherVersion, otherGen string
}

type amM = map[string]any
type amL = []any

func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	cases := amCases()
	seen := map[string]bool{}
	for _, c := range cases {
		require.False(t, seen[c.name], "duplicate case %s", c.name)
		seen[c.name] = true
	}
	forEachBackend(t, func(t *testing.T, b *bundle) {
		backend := path.Base(t.Name())
		f := amSeed(t, b)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if why := c.skip[backend]; why != "" {
					t.Skip("server: " + why)
				}
				if why := c.skip["*"]; why != "" {
					t.Skip("server: " + why)
				}
				c.run(t, f)
			})
		}
	})
}

// --- fixture -----------------------------------------------------------------

func amSeed(t *testing.T, b *bundle) *amFixture {
	t.Helper()
	f := &amFixture{b: b, proj: map[string]string{}, track: map[string]string{}, version: map[string]string{}, gen: map[string]string{}}
	f.owner = b.signup(t, "matrix-owner@example.com")
	f.other = b.signup(t, "matrix-other@example.com")
	post := func(u user, table string, body amM) string {
		t.Helper()
		return created(t, b.as(t, u, "POST", "/rest/v1/"+table, body, "Prefer", repr))["id"].(string)
	}
	f.artist = post(f.owner, "artists", amM{"name": "Owner Artist"})
	f.privArtist = post(f.owner, "artists", amM{"name": "Owner Private Artist"})
	for i, st := range []string{"draft", "published"} {
		f.proj[st] = post(f.owner, "projects", amM{"artist_id": f.artist, "title": "Owner " + st, "type": "album", "status": st})
		f.track[st] = post(f.owner, "tracks", amM{"project_id": f.proj[st], "title": "Owner track " + st, "track_number": i + 1})
		f.version[st] = post(f.owner, "track_versions", amM{"track_id": f.track[st], "version_number": 1, "source": "upload"})
		f.gen[st] = post(service, "ai_generations", amM{"user_id": f.owner.id, "project_id": f.proj[st], "track_id": f.track[st], "prompt": "owner " + st, "service": "local"})
	}
	f.otherArtist = post(f.other, "artists", amM{"name": "Other Artist"})
	f.otherProject = post(f.other, "projects", amM{"artist_id": f.otherArtist, "title": "Other draft", "type": "ep", "status": "draft"})
	f.otherTrack = post(f.other, "tracks", amM{"project_id": f.otherProject, "title": "Other track", "track_number": 1})
	f.otherVersion = post(f.other, "track_versions", amM{"track_id": f.otherTrack, "version_number": 1, "source": "upload"})
	f.otherGen = post(service, "ai_generations", amM{"user_id": f.other.id, "project_id": f.otherProject, "track_id": f.otherTrack, "prompt": "other", "service": "local"})

	// Versions point at their generations, so that embedding a version's
	// generation is a possible leak.
	for v, g := range map[string]string{f.version["draft"]: f.gen["draft"], f.version["published"]: f.gen["published"], f.otherVersion: f.otherGen} {
		r := b.as(t, service, "PATCH", "/rest/v1/track_versions?id=eq."+v, amM{"generation_id": g}, "Prefer", repr)
		require.Len(t, rows(t, r), 1)
	}
	profile := func(u user) string {
		ps := rows(t, b.as(t, service, "GET", "/rest/v1/profiles?user_id=eq."+u.id, nil))
		require.Len(t, ps, 1)
		return ps[0]["id"].(string)
	}
	f.ownerProfile, f.otherProfile = profile(f.owner), profile(f.other)
	return f
}

func (f *amFixture) user(actor string) user {
	switch actor {
	case amOwner:
		return f.owner
	case amOther:
		return f.other
	case amService:
		return service
	}
	return user{}
}

func (f *amFixture) do(t *testing.T, actor, method, p string, body any, headers ...string) apptest.Response {
	t.Helper()
	return f.b.as(t, f.user(actor), method, "/rest/v1/"+p, body, headers...)
}

// row is the owner's row of table in state.
func (f *amFixture) row(table, state string) string {
	switch table {
	case "profiles":
		return f.ownerProfile
	case "artists":
		if state == "draft" {
			return f.privArtist
		}
		return f.artist
	case "projects":
		return f.proj[state]
	case "tracks":
		return f.track[state]
	case "track_versions":
		return f.version[state]
	}
	return f.gen[state]
}

// visible is every row of table actor may read, in the fixture.
func (f *amFixture) visible(table, actor string) []string {
	type set struct{ owner, public, other []string }
	var s set
	switch table {
	case "profiles":
		return amSorted(f.ownerProfile, f.otherProfile)
	case "artists":
		s = set{[]string{f.artist, f.privArtist}, []string{f.artist}, []string{f.otherArtist}}
	case "projects":
		s = set{[]string{f.proj["draft"], f.proj["published"]}, []string{f.proj["published"]}, []string{f.otherProject}}
	case "tracks":
		s = set{[]string{f.track["draft"], f.track["published"]}, []string{f.track["published"]}, []string{f.otherTrack}}
	case "track_versions":
		s = set{[]string{f.version["draft"], f.version["published"]}, []string{f.version["published"]}, []string{f.otherVersion}}
	case "ai_generations":
		s = set{[]string{f.gen["draft"], f.gen["published"]}, nil, []string{f.otherGen}}
	}
	switch actor {
	case amOwner:
		return amSorted(s.owner...)
	case amOther:
		return amSorted(append(append([]string{}, s.public...), s.other...)...)
	case amAnon:
		return amSorted(s.public...)
	}
	return amSorted(append(append([]string{}, s.owner...), s.other...)...)
}

func amReadable(table, state, actor string) bool {
	switch actor {
	case amOwner, amService:
		return true
	}
	return table == "profiles" || (state == "published" && table != "ai_generations")
}

func amSorted(ids ...string) []string {
	out := append([]string{}, ids...)
	sort.Strings(out)
	if out == nil {
		out = []string{}
	}
	return out
}

func amIDs(rs []map[string]any) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r["id"].(string))
	}
	sort.Strings(out)
	return out
}

// snapshot is every row of table, as service_role sees it, by id.
func (f *amFixture) snapshot(t *testing.T, table string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, r := range rows(t, f.do(t, amService, "GET", table+"?select=*", nil)) {
		out[r["id"].(string)] = r
	}
	return out
}

func (f *amFixture) serviceRow(t *testing.T, table, id string) map[string]any {
	t.Helper()
	rs := rows(t, f.do(t, amService, "GET", table+"?select=*&id=eq."+id, nil))
	if len(rs) == 0 {
		return nil
	}
	require.Len(t, rs, 1)
	return rs[0]
}

func (f *amFixture) serviceDelete(t *testing.T, table, id string) {
	t.Helper()
	r := f.do(t, amService, "DELETE", table+"?id=eq."+id, nil)
	require.Equal(t, http.StatusNoContent, r.Status, "%s", r.Body)
}

// unchanged runs fn and requires table to be exactly as before.
func (f *amFixture) unchanged(t *testing.T, table string, fn func()) {
	t.Helper()
	before := f.snapshot(t, table)
	fn()
	require.Equal(t, before, f.snapshot(t, table), "%s changed", table)
}

// unchangedBut runs fn and requires every row of table but except to be
// exactly as before.
func (f *amFixture) unchangedBut(t *testing.T, table, except string, fn func()) {
	t.Helper()
	before := f.snapshot(t, table)
	fn()
	after := f.snapshot(t, table)
	delete(before, except)
	delete(after, except)
	require.Equal(t, before, after, "rows of %s other than %s changed", table, except)
}

func amRequireError(t *testing.T, r apptest.Response, status int, code string) {
	t.Helper()
	require.Equal(t, status, r.Status, "%s", r.Body)
	if code != "" {
		require.Equal(t, code, r.Object(t)["code"], "%s", r.Body)
	}
}

// refused is the answer a refused write gets: 401 for anon, 403 (42501)
// for a user.
func amRefused(t *testing.T, actor string, r apptest.Response) {
	t.Helper()
	if actor == amAnon {
		amRequireError(t, r, http.StatusUnauthorized, "")
		return
	}
	amRequireError(t, r, http.StatusForbidden, "42501")
}

func amEmptyRepresentation(t *testing.T, r apptest.Response) {
	t.Helper()
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	require.JSONEq(t, "[]", string(r.Body))
}

// ownColumn: tables whose user_id is given (not derived from a parent).
func amOwnColumn(table string) bool {
	return table == "profiles" || table == "artists" || table == "ai_generations"
}

// newRow is the body of a new owner's row of table under state's parent.
func (f *amFixture) newRow(table, state, marker string) amM {
	switch table {
	case "artists":
		return amM{"name": marker}
	case "projects":
		return amM{"artist_id": f.artist, "title": marker, "type": "single", "status": state}
	case "tracks":
		return amM{"project_id": f.proj[state], "title": marker, "track_number": 50}
	case "track_versions":
		return amM{"track_id": f.track[state], "version_number": 50, "source": "upload"}
	case "ai_generations":
		return amM{"project_id": f.proj[state], "track_id": f.track[state], "prompt": marker, "service": "local"}
	}
	panic("no new row for " + table)
}

// fresh makes, as service_role, a new owner's row of table under state's
// parent for a case to delete, and removes it when the case ends.
func (f *amFixture) fresh(t *testing.T, table, state string) string {
	t.Helper()
	body := f.newRow(table, state, "fresh "+table)
	if amOwnColumn(table) {
		body["user_id"] = f.owner.id
	}
	body = amWithNumber(body, 60)
	id := created(t, f.do(t, amService, "POST", table, body, "Prefer", repr))["id"].(string)
	if table == "artists" && state == "published" {
		created(t, f.do(t, amService, "POST", "projects", amM{"artist_id": id, "title": "fresh", "type": "single", "status": "published"}, "Prefer", repr))
	}
	t.Cleanup(func() { f.do(t, amService, "DELETE", table+"?id=eq."+id, nil) })
	return id
}

func amWithNumber(body amM, n int) amM {
	if _, ok := body["track_number"]; ok {
		body["track_number"] = n
	}
	if _, ok := body["version_number"]; ok {
		body["version_number"] = n
	}
	return body
}

// --- cases -------------------------------------------------------------------

func amCases() []amCase {
	var cs []amCase
	for _, tb := range amTables {
		tb := tb
		for _, actor := range amActors {
			actor := actor
			for _, st := range tb.states {
				st := st
				cs = append(cs, amGet(tb, st, actor), amPatch(tb, st, actor), amDelete(tb, st, actor))
			}
			cs = append(cs, amList(tb, actor))
			cs = append(cs, amPost(tb, actor)...)
			if tb.name != "profiles" {
				cs = append(cs, amOrFilter(tb, actor))
			}
			if actor != amService {
				cs = append(cs, amUnfiltered(tb, actor, "PATCH"), amUnfiltered(tb, actor, "DELETE"))
			}
		}
	}
	cs = append(cs, amEmbedCases()...)
	cs = append(cs, amAttackCases()...)
	return cs
}

// GET one row by id, with an exact count.
func amGet(tb amTable, st, actor string) amCase {
	return amCase{name: fmt.Sprintf("GET/%s/%s/%s", tb.name, st, actor), run: func(t *testing.T, f *amFixture) {
		id := f.row(tb.name, st)
		r := f.do(t, actor, "GET", tb.name+"?select=*&id=eq."+id, nil, "Prefer", "count=exact")
		got := rows(t, r)
		if amReadable(tb.name, st, actor) {
			require.Len(t, got, 1)
			require.Equal(t, f.serviceRow(t, tb.name, id), got[0])
			require.Equal(t, "0-0/1", r.Header.Get("Content-Range"))
		} else {
			require.Empty(t, got)
			require.Equal(t, "*/0", r.Header.Get("Content-Range"), "the count must not reveal hidden rows")
		}
	}}
}

// GET the whole table: exactly the readable rows, and a count of them.
func amList(tb amTable, actor string) amCase {
	return amCase{name: fmt.Sprintf("GET/%s/all/%s", tb.name, actor), run: func(t *testing.T, f *amFixture) {
		r := f.do(t, actor, "GET", tb.name+"?select=id", nil, "Prefer", "count=exact")
		want := f.visible(tb.name, actor)
		require.Equal(t, want, amIDs(rows(t, r)))
		total := r.Header.Get("Content-Range")
		require.True(t, strings.HasSuffix(total, fmt.Sprintf("/%d", len(want))), "Content-Range %q for %d rows", total, len(want))
	}}
}

// An or= filter naming hidden rows does not widen the row rules.
func amOrFilter(tb amTable, actor string) amCase {
	return amCase{name: fmt.Sprintf("GET/%s/or-filter/%s", tb.name, actor), run: func(t *testing.T, f *amFixture) {
		d, p := f.row(tb.name, "draft"), f.row(tb.name, "published")
		got := amIDs(rows(t, f.do(t, actor, "GET", tb.name+"?select=id&or=(id.eq."+d+",id.eq."+p+")", nil)))
		var want []string
		for _, st := range []string{"draft", "published"} {
			if amReadable(tb.name, st, actor) {
				want = append(want, f.row(tb.name, st))
			}
		}
		require.Equal(t, amSorted(want...), got)
	}}
}

// PATCH one owner's row: the owner and service change it, the other user
// changes nothing (empty representation), anon is 401, generations are
// never written by users.
func amPatch(tb amTable, st, actor string) amCase {
	name := fmt.Sprintf("PATCH/%s/%s/%s", tb.name, st, actor)
	return amCase{name: name, run: func(t *testing.T, f *amFixture) {
		id := f.row(tb.name, st)
		marker := "matrix " + name
		req := func() apptest.Response {
			return f.do(t, actor, "PATCH", tb.name+"?id=eq."+id, amM{tb.field: marker}, "Prefer", repr)
		}
		allowed := actor == amService || (actor == amOwner && tb.name != "ai_generations")
		if !allowed {
			f.unchanged(t, tb.name, func() {
				r := req()
				if actor == amOther && tb.name != "ai_generations" {
					amEmptyRepresentation(t, r)
				} else {
					amRefused(t, actor, r)
				}
			})
			return
		}
		orig := f.serviceRow(t, tb.name, id)[tb.field]
		t.Cleanup(func() { f.do(t, amService, "PATCH", tb.name+"?id=eq."+id, amM{tb.field: orig}) })
		f.unchangedBut(t, tb.name, id, func() {
			got := rows(t, req())
			require.Len(t, got, 1)
			require.Equal(t, id, got[0]["id"])
			require.Equal(t, marker, got[0][tb.field])
		})
		require.Equal(t, marker, f.serviceRow(t, tb.name, id)[tb.field])
	}}
}

// DELETE: non-owners leave the owner's row; the owner and service delete
// a row made for the case.
func amDelete(tb amTable, st, actor string) amCase {
	name := fmt.Sprintf("DELETE/%s/%s/%s", tb.name, st, actor)
	return amCase{name: name, run: func(t *testing.T, f *amFixture) {
		allowed := actor == amService || (actor == amOwner && tb.name != "ai_generations")
		if !allowed {
			id := f.row(tb.name, st)
			f.unchanged(t, tb.name, func() {
				r := f.do(t, actor, "DELETE", tb.name+"?id=eq."+id, nil, "Prefer", repr)
				if actor == amOther && tb.name != "ai_generations" {
					amEmptyRepresentation(t, r)
				} else {
					amRefused(t, actor, r)
				}
			})
			require.NotNil(t, f.serviceRow(t, tb.name, id))
			return
		}
		var id string
		u := f.user(actor)
		if tb.name == "profiles" {
			// A profile of a user made for the case (owner: that user).
			tmp := f.b.signup(t, strings.ReplaceAll(strings.ToLower(name), "/", "-")+"@example.com")
			if actor == amOwner {
				u = tmp
			}
			ps := rows(t, f.do(t, amService, "GET", "profiles?user_id=eq."+tmp.id, nil))
			require.Len(t, ps, 1)
			id = ps[0]["id"].(string)
		} else {
			id = f.fresh(t, tb.name, st)
		}
		before := f.snapshot(t, tb.name)
		got := rows(t, f.b.as(t, u, "DELETE", "/rest/v1/"+tb.name+"?id=eq."+id, nil, "Prefer", repr))
		require.Len(t, got, 1)
		require.Equal(t, id, got[0]["id"])
		require.Nil(t, f.serviceRow(t, tb.name, id))
		delete(before, id)
		require.Equal(t, before, f.snapshot(t, tb.name))
	}}
}

// POST a new row under the owner's parent (or with the owner's user_id).
func amPost(tb amTable, actor string) []amCase {
	if tb.name == "profiles" {
		return []amCase{amPostProfile(actor)}
	}
	states := tb.states
	if tb.name == "artists" {
		states = []string{"any"}
	}
	var cs []amCase
	for _, st := range states {
		st := st
		name := fmt.Sprintf("POST/%s/%s/%s", tb.name, st, actor)
		cs = append(cs, amCase{name: name, run: func(t *testing.T, f *amFixture) {
			body := f.newRow(tb.name, st, "matrix "+name)
			if amOwnColumn(tb.name) && (actor == amOther || actor == amService) {
				body["user_id"] = f.owner.id
			}
			allowed := actor == amService || (actor == amOwner && tb.name != "ai_generations")
			if !allowed {
				f.unchanged(t, tb.name, func() {
					amRefused(t, actor, f.do(t, actor, "POST", tb.name, body, "Prefer", repr))
				})
				return
			}
			f.unchanged(t, tb.name, func() {
				row := created(t, f.do(t, actor, "POST", tb.name, body, "Prefer", repr))
				id := row["id"].(string)
				t.Cleanup(func() { f.do(t, amService, "DELETE", tb.name+"?id=eq."+id, nil) })
				require.Equal(t, f.owner.id, row["user_id"])
				require.Equal(t, row, f.serviceRow(t, tb.name, id))
				f.serviceDelete(t, tb.name, id)
			})
		}})
		if !amOwnColumn(tb.name) && actor == amOther {
			// Claiming the row as one's own does not help.
			name := fmt.Sprintf("POST/%s/%s/other-with-own-user_id", tb.name, st)
			cs = append(cs, amCase{name: name, run: func(t *testing.T, f *amFixture) {
				body := f.newRow(tb.name, st, "matrix "+name)
				body["user_id"] = f.other.id
				f.unchanged(t, tb.name, func() {
					amRefused(t, amOther, f.do(t, amOther, "POST", tb.name, body, "Prefer", repr))
				})
			}})
		}
	}
	return cs
}

// Profiles exist from signup: the owner and service upsert the owner's
// profile; the other user cannot insert one with the owner's user_id.
func amPostProfile(actor string) amCase {
	name := "POST/profiles/any/" + actor
	return amCase{name: name, run: func(t *testing.T, f *amFixture) {
		marker := "matrix " + name
		body := amM{"user_id": f.owner.id, "bio": marker}
		upsert := "resolution=merge-duplicates,return=representation"
		switch actor {
		case amOther, amAnon:
			f.unchanged(t, "profiles", func() {
				amRefused(t, actor, f.do(t, actor, "POST", "profiles", body, "Prefer", repr))
				amRefused(t, actor, f.do(t, actor, "POST", "profiles?on_conflict=user_id", body, "Prefer", upsert))
			})
			return
		}
		orig := f.serviceRow(t, "profiles", f.ownerProfile)["bio"]
		t.Cleanup(func() { f.do(t, amService, "PATCH", "profiles?id=eq."+f.ownerProfile, amM{"bio": orig}) })
		f.unchangedBut(t, "profiles", f.ownerProfile, func() {
			row := created(t, f.do(t, actor, "POST", "profiles?on_conflict=user_id", body, "Prefer", upsert))
			require.Equal(t, f.ownerProfile, row["id"])
			require.Equal(t, marker, row["bio"])
		})
		require.Equal(t, marker, f.serviceRow(t, "profiles", f.ownerProfile)["bio"])
	}}
}

// PATCH or DELETE without a filter: 400 (21000) for users, 401 for anon;
// generations refuse users before anything else.
func amUnfiltered(tb amTable, actor, verb string) amCase {
	return amCase{name: fmt.Sprintf("%s/%s/unfiltered/%s", verb, tb.name, actor), run: func(t *testing.T, f *amFixture) {
		var body any
		if verb == "PATCH" {
			body = amM{tb.field: "matrix unfiltered"}
		}
		f.unchanged(t, tb.name, func() {
			r := f.do(t, actor, verb, tb.name, body, "Prefer", repr)
			switch {
			case actor == amAnon || tb.name == "ai_generations":
				amRefused(t, actor, r)
			default:
				amRequireError(t, r, http.StatusBadRequest, "21000")
			}
		})
	}}
}
