package rest_test

// The embed and attack cases of the access matrix (access_matrix_test.go).

import (
	"net/http"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// --- embeds ------------------------------------------------------------------

// amShape keeps of JSON v only "id" and the given embed keys, recursively,
// with arrays sorted by id.
func amShape(v any, embeds ...string) any {
	keep := map[string]bool{"id": true}
	for _, e := range embeds {
		keep[e] = true
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := amM{}
			for k, val := range x {
				if keep[k] {
					out[k] = walk(val)
				}
			}
			return out
		case []any:
			out := amL{}
			for _, el := range x {
				out = append(out, walk(el))
			}
			sort.Slice(out, func(i, j int) bool {
				a, _ := out[i].(amM)["id"].(string)
				b, _ := out[j].(amM)["id"].(string)
				return a < b
			})
			return out
		case []map[string]any:
			l := amL{}
			for _, el := range x {
				l = append(l, el)
			}
			return walk(l)
		}
		return v
	}
	return walk(v)
}

func amEmbed(name, query string, embeds []string, want func(f *amFixture, actor string) amL) []amCase {
	var cs []amCase
	for _, actor := range amActors {
		actor := actor
		cs = append(cs, amCase{name: "GET/embed/" + name + "/" + actor, run: func(t *testing.T, f *amFixture) {
			got := rows(t, f.do(t, actor, "GET", query, nil))
			require.Equal(t, amShape(want(f, actor), embeds...), amShape(got, embeds...), "%s", query)
		}})
	}
	return cs
}

func amEmbedCases() []amCase {
	var cs []amCase
	ownerSees := func(actor string) bool { return actor == amOwner || actor == amService }
	otherSees := func(actor string) bool { return actor == amOther || actor == amService }

	// Projects with their tracks, versions and artist: only the published
	// project (with all its children) for strangers.
	cs = append(cs, amEmbed("projects-tracks-versions-artists", "projects?select=*,tracks(*,track_versions(*)),artists(*)",
		[]string{"tracks", "track_versions", "artists"}, func(f *amFixture, actor string) amL {
			proj := func(p, tr, v, a string) amM {
				return amM{"id": p, "tracks": amL{amM{"id": tr, "track_versions": amL{amM{"id": v}}}}, "artists": amM{"id": a}}
			}
			out := amL{proj(f.proj["published"], f.track["published"], f.version["published"], f.artist)}
			if ownerSees(actor) {
				out = append(out, proj(f.proj["draft"], f.track["draft"], f.version["draft"], f.artist))
			}
			if otherSees(actor) {
				out = append(out, proj(f.otherProject, f.otherTrack, f.otherVersion, f.otherArtist))
			}
			return out
		})...)

	// Artists with their projects: the owner's artist is public for its
	// published project, and shows only that one to strangers.
	cs = append(cs, amEmbed("artists-projects", "artists?select=*,projects(*)", []string{"projects"}, func(f *amFixture, actor string) amL {
		pub := amM{"id": f.proj["published"]}
		if ownerSees(actor) {
			out := amL{
				amM{"id": f.artist, "projects": amL{pub, amM{"id": f.proj["draft"]}}},
				amM{"id": f.privArtist, "projects": amL{}},
			}
			if actor == amService {
				out = append(out, amM{"id": f.otherArtist, "projects": amL{amM{"id": f.otherProject}}})
			}
			return out
		}
		out := amL{amM{"id": f.artist, "projects": amL{pub}}}
		if actor == amOther {
			out = append(out, amM{"id": f.otherArtist, "projects": amL{amM{"id": f.otherProject}}})
		}
		return out
	})...)

	// Generations are private: embedded under a public track or project
	// they are an empty list, under a public version null.
	gens := func(f *amFixture, actor string, own func(st string) string, other string) amL {
		out := amL{}
		for _, st := range []string{"draft", "published"} {
			switch {
			case ownerSees(actor):
				out = append(out, amM{"id": own(st), "ai_generations": amL{amM{"id": f.gen[st]}}})
			case st == "published":
				out = append(out, amM{"id": own(st), "ai_generations": amL{}})
			}
		}
		if otherSees(actor) {
			out = append(out, amM{"id": other, "ai_generations": amL{amM{"id": f.otherGen}}})
		}
		return out
	}
	cs = append(cs, amEmbed("tracks-ai_generations", "tracks?select=*,ai_generations(*)", []string{"ai_generations"}, func(f *amFixture, actor string) amL {
		return gens(f, actor, func(st string) string { return f.track[st] }, f.otherTrack)
	})...)
	cs = append(cs, amEmbed("projects-ai_generations", "projects?select=id,ai_generations(*)", []string{"ai_generations"}, func(f *amFixture, actor string) amL {
		return gens(f, actor, func(st string) string { return f.proj[st] }, f.otherProject)
	})...)
	cs = append(cs, amEmbed("track_versions-ai_generations", "track_versions?select=*,ai_generations(*)", []string{"ai_generations"}, func(f *amFixture, actor string) amL {
		out := amL{}
		for _, st := range []string{"draft", "published"} {
			switch {
			case ownerSees(actor):
				out = append(out, amM{"id": f.version[st], "ai_generations": amM{"id": f.gen[st]}})
			case st == "published":
				out = append(out, amM{"id": f.version[st], "ai_generations": nil})
			}
		}
		if otherSees(actor) {
			out = append(out, amM{"id": f.otherVersion, "ai_generations": amM{"id": f.otherGen}})
		}
		return out
	})...)

	// Embedding upwards from readable rows.
	cs = append(cs, amEmbed("track_versions-tracks-projects-artists", "track_versions?select=id,tracks(id,projects(id,artists(id)))",
		[]string{"tracks", "projects", "artists"}, func(f *amFixture, actor string) amL {
			v := func(v, tr, p, a string) amM {
				return amM{"id": v, "tracks": amM{"id": tr, "projects": amM{"id": p, "artists": amM{"id": a}}}}
			}
			out := amL{}
			for _, st := range []string{"draft", "published"} {
				if amReadable("track_versions", st, actor) {
					out = append(out, v(f.version[st], f.track[st], f.proj[st], f.artist))
				}
			}
			if otherSees(actor) {
				out = append(out, v(f.otherVersion, f.otherTrack, f.otherProject, f.otherArtist))
			}
			return out
		})...)
	cs = append(cs, amEmbed("ai_generations-tracks-projects", "ai_generations?select=id,tracks(id),projects(id)",
		[]string{"tracks", "projects"}, func(f *amFixture, actor string) amL {
			out := amL{}
			if ownerSees(actor) {
				for _, st := range []string{"draft", "published"} {
					out = append(out, amM{"id": f.gen[st], "tracks": amM{"id": f.track[st]}, "projects": amM{"id": f.proj[st]}})
				}
			}
			if otherSees(actor) {
				out = append(out, amM{"id": f.otherGen, "tracks": amM{"id": f.otherTrack}, "projects": amM{"id": f.otherProject}})
			}
			return out
		})...)

	// !inner filtered on a hidden child finds nothing.
	for _, actor := range amActors {
		actor := actor
		cs = append(cs, amCase{name: "GET/embed/inner-hidden-track/" + actor, run: func(t *testing.T, f *amFixture) {
			got := amIDs(rows(t, f.do(t, actor, "GET", "projects?select=id,tracks!inner(id)&tracks.id=eq."+f.track["draft"], nil)))
			if ownerSees(actor) {
				require.Equal(t, []string{f.proj["draft"]}, got)
			} else {
				require.Empty(t, got)
			}
		}})
		cs = append(cs, amCase{name: "GET/embed/inner-draft-projects/" + actor, run: func(t *testing.T, f *amFixture) {
			got := amIDs(rows(t, f.do(t, actor, "GET", "artists?select=id,projects!inner(id)&projects.status=eq.draft", nil)))
			var want []string
			if ownerSees(actor) {
				want = append(want, f.artist)
			}
			if otherSees(actor) {
				want = append(want, f.otherArtist)
			}
			require.Equal(t, amSorted(want...), got)
		}})
	}
	return cs
}

// --- attacks -----------------------------------------------------------------

func amAttackCases() []amCase {
	var cs []amCase
	add := func(name string, run func(t *testing.T, f *amFixture)) *amCase {
		cs = append(cs, amCase{name: "ATTACK/" + name, run: run})
		return &cs[len(cs)-1]
	}

	add("other-PATCH-or-filter-over-owner-tracks", func(t *testing.T, f *amFixture) {
		f.unchanged(t, "tracks", func() {
			amEmptyRepresentation(t, f.do(t, amOther, "PATCH", "tracks?or=(id.eq."+f.track["draft"]+",id.eq."+f.track["published"]+")", amM{"lyrics": "x"}, "Prefer", repr))
		})
	})
	add("other-DELETE-or-filter-over-owner-tracks", func(t *testing.T, f *amFixture) {
		f.unchanged(t, "tracks", func() {
			amEmptyRepresentation(t, f.do(t, amOther, "DELETE", "tracks?or=(id.eq."+f.track["draft"]+",id.eq."+f.track["published"]+")", nil, "Prefer", repr))
		})
	})
	add("other-PATCH-broad-filter-changes-only-own-track", func(t *testing.T, f *amFixture) {
		orig := f.serviceRow(t, "tracks", f.otherTrack)["lyrics"]
		t.Cleanup(func() { f.do(t, amService, "PATCH", "tracks?id=eq."+f.otherTrack, amM{"lyrics": orig}) })
		f.unchangedBut(t, "tracks", f.otherTrack, func() {
			got := rows(t, f.do(t, amOther, "PATCH", "tracks?track_number=gte.1", amM{"lyrics": "mine"}, "Prefer", repr))
			require.Equal(t, []string{f.otherTrack}, amIDs(got))
		})
	})
	add("other-DELETE-broad-filter-spares-owner-rows", func(t *testing.T, f *amFixture) {
		// Version 2 of the owner's published track and of the other's
		// track: a filter matching both deletes only the other's.
		mine := created(t, f.do(t, amOther, "POST", "track_versions", amM{"track_id": f.otherTrack, "version_number": 2, "source": "upload"}, "Prefer", repr))["id"].(string)
		theirs := created(t, f.do(t, amService, "POST", "track_versions", amM{"track_id": f.track["published"], "version_number": 2, "source": "upload"}, "Prefer", repr))["id"].(string)
		t.Cleanup(func() {
			f.do(t, amService, "DELETE", "track_versions?id=eq."+mine, nil)
			f.do(t, amService, "DELETE", "track_versions?id=eq."+theirs, nil)
		})
		f.unchangedBut(t, "track_versions", mine, func() {
			got := rows(t, f.do(t, amOther, "DELETE", "track_versions?version_number=eq.2", nil, "Prefer", repr))
			require.Equal(t, []string{mine}, amIDs(got))
		})
		require.Nil(t, f.serviceRow(t, "track_versions", mine))
		require.NotNil(t, f.serviceRow(t, "track_versions", theirs))
	})
	add("other-moves-own-track-into-owner-project", func(t *testing.T, f *amFixture) {
		f.unchanged(t, "tracks", func() {
			amRefused(t, amOther, f.do(t, amOther, "PATCH", "tracks?id=eq."+f.otherTrack, amM{"project_id": f.proj["published"]}, "Prefer", repr))
		})
	})
	add("other-moves-own-project-under-owner-artist", func(t *testing.T, f *amFixture) {
		f.unchanged(t, "projects", func() {
			amRefused(t, amOther, f.do(t, amOther, "PATCH", "projects?id=eq."+f.otherProject, amM{"artist_id": f.artist}, "Prefer", repr))
		})
	})
	add("other-moves-own-version-under-owner-track", func(t *testing.T, f *amFixture) {
		f.unchanged(t, "track_versions", func() {
			amRefused(t, amOther, f.do(t, amOther, "PATCH", "track_versions?id=eq."+f.otherVersion, amM{"track_id": f.track["published"]}, "Prefer", repr))
		})
	})
	add("other-gives-own-artist-to-owner", func(t *testing.T, f *amFixture) {
		f.unchanged(t, "artists", func() {
			amRefused(t, amOther, f.do(t, amOther, "PATCH", "artists?id=eq."+f.otherArtist, amM{"user_id": f.owner.id}, "Prefer", repr))
		})
	})
	add("other-gives-own-profile-owner-user_id", func(t *testing.T, f *amFixture) {
		f.unchanged(t, "profiles", func() {
			amRefused(t, amOther, f.do(t, amOther, "PATCH", "profiles?id=eq."+f.otherProfile, amM{"user_id": f.owner.id}, "Prefer", repr))
		})
	})
	add("other-steals-owner-track-into-own-project", func(t *testing.T, f *amFixture) {
		f.unchanged(t, "tracks", func() {
			amEmptyRepresentation(t, f.do(t, amOther, "PATCH", "tracks?id=eq."+f.track["published"], amM{"project_id": f.otherProject}, "Prefer", repr))
		})
	})
	add("owner-moves-own-track-into-other-project", func(t *testing.T, f *amFixture) {
		f.unchanged(t, "tracks", func() {
			amRefused(t, amOwner, f.do(t, amOwner, "PATCH", "tracks?id=eq."+f.track["draft"], amM{"project_id": f.otherProject}, "Prefer", repr))
		})
	})
	add("other-POST-array-with-one-foreign-row-inserts-nothing", func(t *testing.T, f *amFixture) {
		f.unchanged(t, "artists", func() {
			amRefused(t, amOther, f.do(t, amOther, "POST", "artists", amL{amM{"name": "mine", "user_id": f.other.id}, amM{"name": "theirs", "user_id": f.owner.id}}, "Prefer", repr))
		})
	})
	add("other-POST-array-with-one-foreign-parent-inserts-nothing", func(t *testing.T, f *amFixture) {
		f.unchanged(t, "tracks", func() {
			amRefused(t, amOther, f.do(t, amOther, "POST", "tracks", amL{
				amM{"project_id": f.otherProject, "title": "mine", "track_number": 40},
				amM{"project_id": f.proj["draft"], "title": "theirs", "track_number": 40},
			}, "Prefer", repr))
		})
	})

	// Upserts onto the owner's rows by id: nothing may change; PostgREST
	// refuses with 403.
	upserts := []struct {
		table string
		body  func(f *amFixture) amM
	}{
		{"artists", func(f *amFixture) amM { return amM{"id": f.artist, "name": "hijacked"} }},
		{"tracks", func(f *amFixture) amM {
			return amM{"id": f.track["published"], "project_id": f.otherProject, "title": "hijacked", "track_number": 77}
		}},
		{"projects", func(f *amFixture) amM {
			return amM{"id": f.proj["draft"], "artist_id": f.otherArtist, "title": "hijacked", "type": "single"}
		}},
	}
	for _, u := range upserts {
		u := u
		q := u.table + "?on_conflict=id"
		prefer := "resolution=merge-duplicates,return=representation"
		add("other-upsert-owner-"+u.table+"-changes-nothing", func(t *testing.T, f *amFixture) {
			f.unchanged(t, u.table, func() {
				r := f.do(t, amOther, "POST", q, u.body(f), "Prefer", prefer)
				require.Contains(t, []int{http.StatusCreated, http.StatusForbidden}, r.Status, "%s", r.Body)
				if r.Status == http.StatusCreated {
					require.JSONEq(t, "[]", string(r.Body))
				}
			})
		})
		add("other-upsert-owner-"+u.table+"-is-403", func(t *testing.T, f *amFixture) {
			f.unchanged(t, u.table, func() {
				amRefused(t, amOther, f.do(t, amOther, "POST", q, u.body(f), "Prefer", prefer))
			})
		})
	}
	add("other-upsert-ignore-duplicates-on-owner-artist-changes-nothing", func(t *testing.T, f *amFixture) {
		f.unchanged(t, "artists", func() {
			r := f.do(t, amOther, "POST", "artists?on_conflict=id", amM{"id": f.artist, "name": "hijacked"}, "Prefer", "resolution=ignore-duplicates,return=representation")
			require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
			require.JSONEq(t, "[]", string(r.Body))
		})
	})
	add("anon-PATCH-without-authorization-header", func(t *testing.T, f *amFixture) {
		f.unchanged(t, "tracks", func() {
			r := f.b.s.Do(t, "PATCH", "/rest/v1/tracks?id=eq."+f.track["published"], amM{"lyrics": "x"}, "apikey", f.b.s.AnonKey)
			amRequireError(t, r, http.StatusUnauthorized, "")
		})
	})
	return cs
}
