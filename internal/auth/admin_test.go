package auth_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tunebase/internal/app/apptest"
	"tunebase/internal/config"
)

// admin sends a request with the service_role key as apikey and bearer.
func (b *bundle) admin(t *testing.T, method, path string, body any) apptest.Response {
	t.Helper()
	return b.s.Do(t, method, path, body, "apikey", b.s.ServiceRoleKey, "Authorization", "Bearer "+b.s.ServiceRoleKey)
}

// createUser creates a user through the admin API and returns it.
func (b *bundle) createUser(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	r := b.admin(t, "POST", "/auth/v1/admin/users", body)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	return r.Object(t)
}

// profile reads the display name and avatar of a user's profile; ok is
// false when the user has none.
func (b *bundle) profile(t *testing.T, userID string) (name, avatar any, ok bool) {
	t.Helper()
	rows, err := b.s.App.DB.QueryContext(context.Background(),
		"SELECT display_name, avatar_url FROM profiles WHERE user_id = "+b.s.App.DB.Dialect.Placeholder(1), userID)
	require.NoError(t, err)
	defer rows.Close()
	if !rows.Next() {
		require.NoError(t, rows.Err())
		return nil, nil, false
	}
	require.NoError(t, rows.Scan(&name, &avatar))
	return name, avatar, true
}

const missingUser = "0b7d7c1e-54a2-4c59-8f0e-3f3a8c9d2b11"

func TestAdminRequiresServiceRole(t *testing.T) {
	t.Parallel()
	forEachBackend(t, nil, func(t *testing.T, b *bundle) {
		s := b.signup(t, "joe@example.com", "joe's pass", nil)
		id := s["user"].(map[string]any)["id"].(string)
		users := b.count(t, "auth_users")
		for _, bearer := range []string{b.s.AnonKey, s["access_token"].(string)} {
			for _, c := range []struct {
				method, path string
				body         any
			}{
				{"GET", "/auth/v1/admin/users", nil},
				{"POST", "/auth/v1/admin/users", map[string]any{"email": "new@example.com", "password": "long enough"}},
				{"GET", "/auth/v1/admin/users/" + id, nil},
				{"PUT", "/auth/v1/admin/users/" + id, map[string]any{"user_metadata": map[string]any{"x": 1}}},
				{"DELETE", "/auth/v1/admin/users/" + id, nil},
				{"GET", "/auth/v1/admin/users/not-a-uuid", nil},
			} {
				r := b.s.Do(t, c.method, c.path, c.body, "apikey", b.s.AnonKey, "Authorization", "Bearer "+bearer)
				body := requireError(t, r, http.StatusForbidden, "not_admin")
				require.Equal(t, "User not allowed", body["msg"], "%s %s", c.method, c.path)
			}
		}
		require.Equal(t, users, b.count(t, "auth_users"))
		require.Equal(t, http.StatusOK, b.getUser(t, s["access_token"].(string)).Status, "the user is untouched")

		// The service_role key as bearer is enough, whatever the apikey.
		r := b.s.Do(t, "GET", "/auth/v1/admin/users/"+id, nil, "apikey", b.s.AnonKey, "Authorization", "Bearer "+b.s.ServiceRoleKey)
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	})
}

func TestAdminCreateUser(t *testing.T) {
	t.Parallel()
	forEachBackend(t, nil, func(t *testing.T, b *bundle) {
		u := b.createUser(t, map[string]any{
			"email": "Kim@Example.com", "password": "kim's secret", "email_confirm": true,
			"user_metadata": map[string]any{"display_name": "Kim", "avatar_url": "https://x/k.png", "genre": "jazz"},
			"app_metadata":  map[string]any{"plan": "pro"},
		})
		id := u["id"].(string)
		require.Equal(t, "kim@example.com", u["email"])
		require.Equal(t, "authenticated", u["aud"])
		require.NotNil(t, u["email_confirmed_at"])
		require.Nil(t, u["last_sign_in_at"])
		require.NotEmpty(t, u["identities"])
		require.Equal(t, map[string]any{"display_name": "Kim", "avatar_url": "https://x/k.png", "genre": "jazz"}, u["user_metadata"])
		app := u["app_metadata"].(map[string]any)
		require.Equal(t, "pro", app["plan"])
		require.Equal(t, "email", app["provider"])
		name, avatar, ok := b.profile(t, id)
		require.True(t, ok, "the profile is created with the user")
		require.Equal(t, "Kim", name)
		require.Equal(t, "https://x/k.png", avatar)

		r := b.signIn(t, "kim@example.com", "kim's secret")
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		requireSession(t, r.Object(t), "kim@example.com")
		require.Equal(t, "pro", r.Object(t)["user"].(map[string]any)["app_metadata"].(map[string]any)["plan"])

		// Without a password nobody can sign in, not even with the empty one.
		np := b.createUser(t, map[string]any{"email": "nopass@example.com"})
		require.Nil(t, np["email_confirmed_at"], "confirmed only with email_confirm")
		require.Equal(t, map[string]any{}, np["user_metadata"])
		_, _, ok = b.profile(t, np["id"].(string))
		require.True(t, ok, "a profile even without metadata")
		requireError(t, b.signIn(t, "nopass@example.com", "tunebase-timing-equaliser"), 400, "AUTH_INVALID_CREDENTIALS")
		requireError(t, b.signIn(t, "nopass@example.com", "!"), 400, "AUTH_INVALID_CREDENTIALS")
		b.createUser(t, map[string]any{"email": "emptypass@example.com", "password": ""})

		users, profiles := b.count(t, "auth_users"), b.count(t, "profiles")
		cases := []struct {
			name   string
			body   any
			status int
			code   string
		}{
			{"duplicate, other case", map[string]any{"email": "KIM@example.com"}, 422, "email_exists"},
			{"duplicate of a user without a password", map[string]any{"email": "nopass@example.com", "password": "long enough"}, 422, "email_exists"},
			{"no email", map[string]any{"password": "long enough"}, 400, "VALIDATION_REQUIRED_FIELD"},
			{"phone", map[string]any{"phone": "+15551234567"}, 422, "phone_provider_disabled"},
			{"malformed email", map[string]any{"email": "nope"}, 400, "VALIDATION_INVALID_FORMAT"},
			{"short password", map[string]any{"email": "new@example.com", "password": "short"}, 422, "weak_password"},
			{"display name not a string", map[string]any{"email": "new@example.com", "user_metadata": map[string]any{"display_name": 5}}, 400, "VALIDATION_INVALID_FORMAT"},
			{"avatar too long", map[string]any{"email": "new@example.com", "user_metadata": map[string]any{"avatar_url": strings.Repeat("a", 2049)}}, 400, "VALIDATION_VALUE_TOO_LONG"},
			{"app metadata too big", map[string]any{"email": "new@example.com", "app_metadata": map[string]any{"x": strings.Repeat("a", 17<<10)}}, 400, "VALIDATION_VALUE_TOO_LONG"},
			{"metadata not an object", map[string]any{"email": "new@example.com", "user_metadata": []int{1}}, 400, "VALIDATION_INVALID_FORMAT"},
			{"a ban", map[string]any{"email": "new@example.com", "ban_duration": "24h"}, 400, "validation_failed"},
			{"bad json", "{", 400, "VALIDATION_INVALID_FORMAT"},
		}
		for _, c := range cases {
			r := b.admin(t, "POST", "/auth/v1/admin/users", c.body)
			require.Equal(t, c.status, r.Status, "%s: %s", c.name, r.Body)
			requireError(t, r, c.status, c.code)
		}
		require.Equal(t, users, b.count(t, "auth_users"), "failed creates leave no users")
		require.Equal(t, profiles, b.count(t, "profiles"), "failed creates leave no profiles")
	})
}

func TestAdminCreateUserConfirmation(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(c *config.Config) { c.Auth.RequireEmailConfirmation = true }, func(t *testing.T, b *bundle) {
		b.createUser(t, map[string]any{"email": "lea@example.com", "password": "lea's secret", "email_confirm": true})
		require.Equal(t, http.StatusOK, b.signIn(t, "lea@example.com", "lea's secret").Status)
		u := b.createUser(t, map[string]any{"email": "max@example.com", "password": "max's secret"})
		requireError(t, b.signIn(t, "max@example.com", "max's secret"), 400, "email_not_confirmed")

		r := b.admin(t, "PUT", "/auth/v1/admin/users/"+u["id"].(string), map[string]any{"email_confirm": true})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		require.NotNil(t, r.Object(t)["email_confirmed_at"])
		require.Equal(t, http.StatusOK, b.signIn(t, "max@example.com", "max's secret").Status)
	})
}

func TestAdminGetUser(t *testing.T) {
	t.Parallel()
	forEachBackend(t, nil, func(t *testing.T, b *bundle) {
		s := b.signup(t, "ned@example.com", "ned's pass", map[string]any{"display_name": "Ned"})
		want := s["user"].(map[string]any)
		id := want["id"].(string)

		r := b.admin(t, "GET", "/auth/v1/admin/users/"+id, nil)
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		got := r.Object(t)
		require.Equal(t, want["id"], got["id"])
		require.Equal(t, "ned@example.com", got["email"])
		require.Equal(t, want["user_metadata"], got["user_metadata"])
		require.NotNil(t, got["last_sign_in_at"])

		r = b.admin(t, "GET", "/auth/v1/admin/users/"+strings.ToUpper(id), nil)
		require.Equal(t, http.StatusOK, r.Status, "an upper-case id names the same user")
		body := requireError(t, b.admin(t, "GET", "/auth/v1/admin/users/"+missingUser, nil), 404, "user_not_found")
		require.Equal(t, "User not found", body["msg"])
		requireError(t, b.admin(t, "GET", "/auth/v1/admin/users/not-a-uuid", nil), 400, "VALIDATION_INVALID_FORMAT")
	})
}

func TestAdminUpdateUser(t *testing.T) {
	t.Parallel()
	forEachBackend(t, nil, func(t *testing.T, b *bundle) {
		u := b.createUser(t, map[string]any{
			"email": "ola@example.com", "password": "first pass",
			"user_metadata": map[string]any{"display_name": "Ola", "avatar_url": "https://x/o.png", "mood": "calm"},
			"app_metadata":  map[string]any{"plan": "free", "beta": true},
		})
		b.createUser(t, map[string]any{"email": "taken@example.com"})
		id := u["id"].(string)
		put := func(body any) apptest.Response { return b.admin(t, "PUT", "/auth/v1/admin/users/"+id, body) }

		r := put(map[string]any{
			"user_metadata": map[string]any{"display_name": "Olga", "mood": nil, "city": "Oslo"},
			"app_metadata":  map[string]any{"plan": "pro", "beta": nil},
			"ban_duration":  "none",
		})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		got := r.Object(t)
		require.Equal(t, map[string]any{"display_name": "Olga", "avatar_url": "https://x/o.png", "city": "Oslo"}, got["user_metadata"], "merged, null removes")
		app := got["app_metadata"].(map[string]any)
		require.Equal(t, "pro", app["plan"])
		require.NotContains(t, app, "beta")
		require.Nil(t, got["email_confirmed_at"])
		name, avatar, _ := b.profile(t, id)
		require.Equal(t, "Olga", name)
		require.Equal(t, "https://x/o.png", avatar, "a key not given leaves the profile column alone")

		r = put(map[string]any{"user_metadata": map[string]any{"avatar_url": nil}})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		_, avatar, _ = b.profile(t, id)
		require.Nil(t, avatar, "a null avatar_url clears the profile's")

		r = put(map[string]any{"email": "Olga@Example.com", "password": "second pass", "email_confirm": true})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		got = r.Object(t)
		require.Equal(t, "olga@example.com", got["email"])
		confirmed := got["email_confirmed_at"]
		require.NotNil(t, confirmed)
		requireError(t, b.signIn(t, "olga@example.com", "first pass"), 400, "AUTH_INVALID_CREDENTIALS")
		require.Equal(t, http.StatusOK, b.signIn(t, "olga@example.com", "second pass").Status)
		r = put(map[string]any{"email_confirm": true})
		require.Equal(t, confirmed, r.Object(t)["email_confirmed_at"], "confirming again keeps the first time")
		r = put(map[string]any{})
		require.Equal(t, http.StatusOK, r.Status, "an empty update changes nothing")
		require.Equal(t, "olga@example.com", r.Object(t)["email"])

		requireError(t, put(map[string]any{"email": "TAKEN@example.com"}), 422, "email_exists")
		requireError(t, put(map[string]any{"email": "nope"}), 400, "VALIDATION_INVALID_FORMAT")
		requireError(t, put(map[string]any{"password": "tiny"}), 422, "weak_password")
		requireError(t, put(map[string]any{"user_metadata": map[string]any{"display_name": strings.Repeat("я", 101)}}), 400, "VALIDATION_VALUE_TOO_LONG")
		requireError(t, put(map[string]any{"ban_duration": "1h"}), 400, "validation_failed")
		requireError(t, put(map[string]any{"phone": "+15551234567"}), 422, "phone_provider_disabled")
		requireError(t, b.admin(t, "PUT", "/auth/v1/admin/users/"+missingUser, map[string]any{"email_confirm": true}), 404, "user_not_found")
		requireError(t, b.admin(t, "PUT", "/auth/v1/admin/users/nope", map[string]any{}), 400, "VALIDATION_INVALID_FORMAT")
		require.Equal(t, http.StatusOK, b.signIn(t, "olga@example.com", "second pass").Status, "failed updates change nothing")
	})
}

func TestAdminDeleteUser(t *testing.T) {
	t.Parallel()
	forEachBackend(t, nil, func(t *testing.T, b *bundle) {
		s := b.signup(t, "pia@example.com", "pia's pass", map[string]any{"display_name": "Pia"})
		other := b.signup(t, "quin@example.com", "quin's pass", nil)
		id := s["user"].(map[string]any)["id"].(string)
		users, profiles, sessions := b.count(t, "auth_users"), b.count(t, "profiles"), b.count(t, "auth_sessions")

		r := b.admin(t, "DELETE", "/auth/v1/admin/users/"+id, map[string]any{"should_soft_delete": false})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		require.Equal(t, map[string]any{}, r.Object(t))
		require.Equal(t, users-1, b.count(t, "auth_users"))
		require.Equal(t, profiles-1, b.count(t, "profiles"), "the profile goes with the user")
		require.Equal(t, sessions-1, b.count(t, "auth_sessions"), "and the sessions")
		_, _, ok := b.profile(t, id)
		require.False(t, ok)
		requireError(t, b.refresh(t, s["refresh_token"].(string)), 400, "refresh_token_not_found")
		require.NotEqual(t, http.StatusOK, b.getUser(t, s["access_token"].(string)).Status)
		requireError(t, b.admin(t, "GET", "/auth/v1/admin/users/"+id, nil), 404, "user_not_found")
		requireError(t, b.admin(t, "DELETE", "/auth/v1/admin/users/"+id, nil), 404, "user_not_found")
		requireError(t, b.signIn(t, "pia@example.com", "pia's pass"), 400, "AUTH_INVALID_CREDENTIALS")
		require.Equal(t, http.StatusOK, b.getUser(t, other["access_token"].(string)).Status, "others are untouched")

		// A soft delete is a hard delete, and the body may be left out.
		soft := b.createUser(t, map[string]any{"email": "soft@example.com"})
		r = b.admin(t, "DELETE", "/auth/v1/admin/users/"+soft["id"].(string), map[string]any{"should_soft_delete": true})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		bare := b.createUser(t, map[string]any{"email": "bare@example.com"})
		r = b.admin(t, "DELETE", "/auth/v1/admin/users/"+bare["id"].(string), nil)
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		require.Equal(t, users-1, b.count(t, "auth_users"))

		requireError(t, b.admin(t, "DELETE", "/auth/v1/admin/users/"+other["user"].(map[string]any)["id"].(string), "{bad"), 400, "VALIDATION_INVALID_FORMAT")
		requireError(t, b.admin(t, "DELETE", "/auth/v1/admin/users/nope", nil), 400, "VALIDATION_INVALID_FORMAT")
		require.Equal(t, users-1, b.count(t, "auth_users"))
	})
}

func TestAdminListUsers(t *testing.T) {
	t.Parallel()
	forEachBackend(t, nil, func(t *testing.T, b *bundle) {
		list := func(query string) (apptest.Response, []string) {
			t.Helper()
			r := b.admin(t, "GET", "/auth/v1/admin/users"+query, nil)
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
			body := r.Object(t)
			require.Equal(t, "authenticated", body["aud"])
			var ids []string
			for _, u := range body["users"].([]any) {
				ids = append(ids, u.(map[string]any)["id"].(string))
			}
			return r, ids
		}

		r, ids := list("")
		require.Empty(t, ids)
		require.Equal(t, "0", r.Header.Get("X-Total-Count"))
		require.Equal(t, `</auth/v1/admin/users?page=0>; rel="last"`, r.Header.Get("Link"))

		all := map[string]bool{}
		for _, e := range []string{"r1@example.com", "r2@example.com", "r3@example.com"} {
			all[b.createUser(t, map[string]any{"email": e})["id"].(string)] = true
		}

		r, ids = list("?page=&per_page=")
		require.Len(t, ids, 3)
		require.Equal(t, "3", r.Header.Get("X-Total-Count"))
		require.Equal(t, `</auth/v1/admin/users?page=1&per_page=>; rel="last"`, r.Header.Get("Link"))

		r, first := list("?page=1&per_page=2")
		require.Len(t, first, 2)
		require.Equal(t, "3", r.Header.Get("X-Total-Count"))
		require.Equal(t, `</auth/v1/admin/users?page=2&per_page=2>; rel="next", </auth/v1/admin/users?page=2&per_page=2>; rel="last"`, r.Header.Get("Link"))
		r, second := list("?page=2&per_page=2")
		require.Len(t, second, 1)
		require.Equal(t, `</auth/v1/admin/users?page=2&per_page=2>; rel="last"`, r.Header.Get("Link"))
		seen := map[string]bool{}
		for _, id := range append(first, second...) {
			require.True(t, all[id])
			require.False(t, seen[id], "pages do not overlap")
			seen[id] = true
		}
		_, ids = list("?page=3&per_page=2")
		require.Empty(t, ids, "past the last page")
		_, ids = list("?page=0&per_page=2")
		require.Equal(t, first, ids, "page 0 is page 1")
		_, ids = list("?per_page=5000")
		require.Len(t, ids, 3, "per_page is capped, not refused")

		// Newest first (SQLite keeps milliseconds).
		time.Sleep(5 * time.Millisecond)
		last := b.createUser(t, map[string]any{"email": "r4@example.com"})
		_, ids = list("?per_page=1")
		require.Equal(t, []string{last["id"].(string)}, ids)

		for _, q := range []string{"?per_page=0", "?page=-1", "?page=two", "?per_page=1.5"} {
			requireError(t, b.admin(t, "GET", "/auth/v1/admin/users"+q, nil), 400, "VALIDATION_INVALID_FORMAT")
		}
	})
}

func TestJWKS(t *testing.T) {
	t.Parallel()
	forEachBackend(t, nil, func(t *testing.T, b *bundle) {
		r := b.s.Do(t, "GET", "/auth/v1/.well-known/jwks.json", nil, "apikey", b.s.AnonKey)
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		require.JSONEq(t, `{"keys":[]}`, string(r.Body))
	})
}
