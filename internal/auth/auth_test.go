package auth_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"tunebase/internal/app/apptest"
	"tunebase/internal/config"
	"tunebase/internal/db/dbtest"
	"tunebase/internal/principal"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

type bundle struct {
	s *apptest.Server
}

func setup(t *testing.T, backend string, modify func(*config.Config)) *bundle {
	t.Helper()
	return &bundle{s: apptest.Start(t, backend, modify)}
}

func forEachBackend(t *testing.T, modify func(*config.Config), fn func(t *testing.T, b *bundle)) {
	for _, backend := range dbtest.Backends() {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			fn(t, setup(t, backend, modify))
		})
	}
}

func (b *bundle) post(t *testing.T, path string, body any, bearer string) apptest.Response {
	t.Helper()
	if bearer == "" {
		bearer = b.s.AnonKey
	}
	return b.s.Do(t, "POST", path, body, "apikey", b.s.AnonKey, "Authorization", "Bearer "+bearer)
}

func (b *bundle) signup(t *testing.T, email, password string, data map[string]any) map[string]any {
	t.Helper()
	r := b.post(t, "/auth/v1/signup", map[string]any{"email": email, "password": password, "data": data}, "")
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	return r.Object(t)
}

func (b *bundle) signIn(t *testing.T, email, password string) apptest.Response {
	t.Helper()
	return b.post(t, "/auth/v1/token?grant_type=password", map[string]any{"email": email, "password": password, "gotrue_meta_security": map[string]any{}}, "")
}

func (b *bundle) refresh(t *testing.T, token string) apptest.Response {
	t.Helper()
	return b.post(t, "/auth/v1/token?grant_type=refresh_token", map[string]any{"refresh_token": token}, "")
}

func (b *bundle) getUser(t *testing.T, access string) apptest.Response {
	t.Helper()
	return b.s.Do(t, "GET", "/auth/v1/user", nil, "apikey", b.s.AnonKey, "Authorization", "Bearer "+access)
}

func (b *bundle) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	require.NoError(t, b.s.App.DB.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n))
	return n
}

func requireError(t *testing.T, r apptest.Response, status int, code string) map[string]any {
	t.Helper()
	require.Equal(t, status, r.Status, "%s", r.Body)
	body := r.Object(t)
	require.Equal(t, code, body["code"])
	require.Equal(t, code, body["error_code"])
	require.NotEmpty(t, body["msg"])
	require.Equal(t, "2024-01-01", r.Header.Get("X-Supabase-Api-Version"))
	return body
}

func requireSession(t *testing.T, s map[string]any, email string) {
	t.Helper()
	for _, k := range []string{"access_token", "refresh_token", "expires_in", "expires_at", "user"} {
		require.NotEmpty(t, s[k], k)
	}
	require.Equal(t, "bearer", s["token_type"])
	require.Greater(t, s["expires_in"].(float64), 90.0, "supabase-js refreshes tokens that expire within 90s")
	u := s["user"].(map[string]any)
	require.Equal(t, email, u["email"])
	require.Equal(t, "authenticated", u["aud"])
	require.NotEmpty(t, u["identities"])
}

func TestSignup(t *testing.T) {
	t.Parallel()
	forEachBackend(t, nil, func(t *testing.T, b *bundle) {
		s := b.signup(t, "Ann@Example.com", "correct horse", map[string]any{"display_name": "Анна", "avatar_url": "https://x/a.png", "genre": "synthwave"})
		requireSession(t, s, "ann@example.com")
		u := s["user"].(map[string]any)
		require.Equal(t, map[string]any{"display_name": "Анна", "avatar_url": "https://x/a.png", "genre": "synthwave"}, u["user_metadata"])
		require.Equal(t, "email", u["app_metadata"].(map[string]any)["provider"])

		var name, avatar string
		require.NoError(t, b.s.App.DB.QueryRowContext(context.Background(),
			"SELECT display_name, avatar_url FROM profiles WHERE user_id = "+b.s.App.DB.Dialect.Placeholder(1), u["id"]).Scan(&name, &avatar))
		require.Equal(t, "Анна", name)
		require.Equal(t, "https://x/a.png", avatar)

		claims, err := b.s.App.Keys.Verify(s["access_token"].(string))
		require.NoError(t, err)
		require.Equal(t, u["id"], claims.Subject)
		require.Equal(t, "authenticated", claims.Role)
		require.Equal(t, jwt.ClaimStrings{"authenticated"}, claims.Audience)
		require.NotEmpty(t, claims.SessionID)
		require.Equal(t, "ann@example.com", claims.Email)
		require.Equal(t, "Анна", claims.UserMetadata["display_name"])

		users, profiles := b.count(t, "auth_users"), b.count(t, "profiles")
		cases := []struct {
			name   string
			body   map[string]any
			status int
			code   string
		}{
			{"duplicate, other case", map[string]any{"email": "ANN@example.com", "password": "another one"}, 422, "user_already_exists"},
			{"malformed email", map[string]any{"email": "not-an-email", "password": "long enough"}, 400, "VALIDATION_INVALID_FORMAT"},
			{"display name in email", map[string]any{"email": "Ann <a@b.c>", "password": "long enough"}, 400, "VALIDATION_INVALID_FORMAT"},
			{"short password", map[string]any{"email": "bob@example.com", "password": "short"}, 422, "weak_password"},
			{"no password", map[string]any{"email": "bob@example.com"}, 400, "VALIDATION_REQUIRED_FIELD"},
			{"no email", map[string]any{"password": "long enough"}, 400, "VALIDATION_REQUIRED_FIELD"},
			{"display name not a string", map[string]any{"email": "bob@example.com", "password": "long enough", "data": map[string]any{"display_name": 5}}, 400, "VALIDATION_INVALID_FORMAT"},
			{"display name too long", map[string]any{"email": "bob@example.com", "password": "long enough", "data": map[string]any{"display_name": strings.Repeat("я", 101)}}, 400, "VALIDATION_VALUE_TOO_LONG"},
		}
		for _, c := range cases {
			body := requireError(t, b.post(t, "/auth/v1/signup", c.body, ""), c.status, c.code)
			if c.code == "weak_password" {
				require.Equal(t, []any{"length"}, body["weak_password"].(map[string]any)["reasons"], c.name)
			}
		}
		require.Equal(t, users, b.count(t, "auth_users"), "failed sign-ups leave no users")
		require.Equal(t, profiles, b.count(t, "profiles"), "failed sign-ups leave no profiles")
		r := b.s.Do(t, "POST", "/auth/v1/signup", "{bad json", "apikey", b.s.AnonKey)
		requireError(t, r, 400, "VALIDATION_INVALID_FORMAT")
	})
}

func TestPasswordSignIn(t *testing.T) {
	t.Parallel()
	forEachBackend(t, nil, func(t *testing.T, b *bundle) {
		b.signup(t, "cat@example.com", "meow meow", nil)
		r := b.signIn(t, "CAT@example.com", "meow meow")
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		s := r.Object(t)
		requireSession(t, s, "cat@example.com")
		require.NotEmpty(t, s["user"].(map[string]any)["last_sign_in_at"])

		wrong := requireError(t, b.signIn(t, "cat@example.com", "woof woof"), 400, "AUTH_INVALID_CREDENTIALS")
		unknown := requireError(t, b.signIn(t, "nobody@example.com", "meow meow"), 400, "AUTH_INVALID_CREDENTIALS")
		require.Equal(t, wrong, unknown, "a wrong password and an unknown email get the same answer")

		requireError(t, b.post(t, "/auth/v1/token?grant_type=magic", map[string]any{}, ""), 400, "unsupported_grant_type")
		requireError(t, b.signIn(t, "cat@example.com", ""), 400, "VALIDATION_REQUIRED_FIELD")
	})
}

func TestRefreshRotationAndReuseDetection(t *testing.T) {
	t.Parallel()
	forEachBackend(t, nil, func(t *testing.T, b *bundle) {
		s := b.signup(t, "dog@example.com", "woof woof", nil)
		first := s["refresh_token"].(string)

		r := b.refresh(t, first)
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		rotated := r.Object(t)
		requireSession(t, rotated, "dog@example.com")
		second := rotated["refresh_token"].(string)
		require.NotEqual(t, first, second)
		require.Equal(t, http.StatusOK, b.getUser(t, rotated["access_token"].(string)).Status)

		requireError(t, b.refresh(t, first), 400, "refresh_token_already_used")
		requireError(t, b.refresh(t, second), 400, "refresh_token_not_found")
		requireError(t, b.getUser(t, rotated["access_token"].(string)), 403, "session_not_found")
		requireError(t, b.refresh(t, "never-issued"), 400, "refresh_token_not_found")
	})
}

func TestUserEndpointTokens(t *testing.T) {
	t.Parallel()
	forEachBackend(t, nil, func(t *testing.T, b *bundle) {
		s := b.signup(t, "eve@example.com", "apple pie", nil)
		u := s["user"].(map[string]any)
		r := b.getUser(t, s["access_token"].(string))
		require.Equal(t, http.StatusOK, r.Status)
		require.Equal(t, u["id"], r.Object(t)["id"])

		sign := func(sub, session string, exp time.Time) string {
			tok, err := b.s.App.Keys.Sign(principal.Claims{
				RegisteredClaims: jwt.RegisteredClaims{Subject: sub, ExpiresAt: jwt.NewNumericDate(exp)},
				Role:             principal.RoleAuthenticated, SessionID: session,
			})
			require.NoError(t, err)
			return tok
		}
		claims, err := b.s.App.Keys.Verify(s["access_token"].(string))
		require.NoError(t, err)
		requireError(t, b.getUser(t, sign(u["id"].(string), claims.SessionID, time.Now().Add(-time.Minute))), 401, "AUTH_TOKEN_EXPIRED")
		requireError(t, b.getUser(t, sign("0b7d7c1e-54a2-4c59-8f0e-3f3a8c9d2b11", "", time.Now().Add(time.Hour))), 404, "AUTH_USER_NOT_FOUND")
		requireError(t, b.getUser(t, b.s.AnonKey), 401, "AUTH_INVALID_TOKEN")
	})
}

func TestLogoutScopes(t *testing.T) {
	t.Parallel()
	forEachBackend(t, nil, func(t *testing.T, b *bundle) {
		b.signup(t, "fay@example.com", "pass word", nil)
		a := b.signIn(t, "fay@example.com", "pass word").Object(t)
		c := b.signIn(t, "fay@example.com", "pass word").Object(t)

		r := b.post(t, "/auth/v1/logout?scope=others", nil, a["access_token"].(string))
		require.Equal(t, http.StatusNoContent, r.Status, "%s", r.Body)
		requireError(t, b.refresh(t, c["refresh_token"].(string)), 400, "refresh_token_not_found")
		r = b.refresh(t, a["refresh_token"].(string))
		require.Equal(t, http.StatusOK, r.Status)
		a = r.Object(t)

		require.Equal(t, http.StatusNoContent, b.post(t, "/auth/v1/logout", nil, a["access_token"].(string)).Status)
		requireError(t, b.refresh(t, a["refresh_token"].(string)), 400, "refresh_token_not_found")
		requireError(t, b.getUser(t, a["access_token"].(string)), 403, "session_not_found")
		requireError(t, b.post(t, "/auth/v1/logout?scope=everything", nil, a["access_token"].(string)), 400, "VALIDATION_INVALID_FORMAT")
		requireError(t, b.post(t, "/auth/v1/logout", nil, ""), 401, "AUTH_INVALID_TOKEN")
	})
}

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	forEachBackend(t, nil, func(t *testing.T, b *bundle) {
		s := b.signup(t, "gus@example.com", "first pass", map[string]any{"display_name": "Gus", "mood": "calm"})
		b.signup(t, "taken@example.com", "first pass", nil)
		access := s["access_token"].(string)
		put := func(body any) apptest.Response {
			return b.s.Do(t, "PUT", "/auth/v1/user", body, "apikey", b.s.AnonKey, "Authorization", "Bearer "+access)
		}

		r := put(map[string]any{"data": map[string]any{"display_name": "Gustav", "mood": nil, "city": "Riga"}})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		require.Equal(t, map[string]any{"display_name": "Gustav", "city": "Riga"}, r.Object(t)["user_metadata"])
		var name string
		require.NoError(t, b.s.App.DB.QueryRowContext(context.Background(),
			"SELECT display_name FROM profiles WHERE user_id = "+b.s.App.DB.Dialect.Placeholder(1), s["user"].(map[string]any)["id"]).Scan(&name))
		require.Equal(t, "Gustav", name)

		requireError(t, put(map[string]any{"password": "first pass"}), 422, "same_password")
		requireError(t, put(map[string]any{"password": "tiny"}), 422, "weak_password")
		requireError(t, put(map[string]any{"email": "TAKEN@example.com"}), 422, "email_exists")
		requireError(t, put(map[string]any{"email": "nope"}), 400, "VALIDATION_INVALID_FORMAT")

		r = put(map[string]any{"password": "second pass", "email": "Gustav@Example.com"})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		require.Equal(t, "gustav@example.com", r.Object(t)["email"])
		requireError(t, b.signIn(t, "gustav@example.com", "first pass"), 400, "AUTH_INVALID_CREDENTIALS")
		require.Equal(t, http.StatusOK, b.signIn(t, "gustav@example.com", "second pass").Status)
	})
}

func TestSignInRateLimit(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(c *config.Config) { c.Auth.SignInPerEmail = 3 }, func(t *testing.T, b *bundle) {
		b.signup(t, "hal@example.com", "open the pod", nil)
		for range 3 {
			requireError(t, b.signIn(t, "hal@example.com", "wrong guess"), 400, "AUTH_INVALID_CREDENTIALS")
		}
		r := b.signIn(t, "hal@example.com", "open the pod")
		requireError(t, r, 429, "over_request_rate_limit")
		require.NotEmpty(t, r.Header.Get("Retry-After"))
		// Other emails are not blocked by this one.
		requireError(t, b.signIn(t, "other@example.com", "whatever1"), 400, "AUTH_INVALID_CREDENTIALS")
	})
}

func TestEmailConfirmationSwitch(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(c *config.Config) { c.Auth.RequireEmailConfirmation = true }, func(t *testing.T, b *bundle) {
		u := b.signup(t, "ivy@example.com", "leafy green", nil)
		require.NotContains(t, u, "access_token", "pending confirmation: a bare user, no session")
		require.Equal(t, "ivy@example.com", u["email"])
		require.Nil(t, u["email_confirmed_at"])
		requireError(t, b.signIn(t, "ivy@example.com", "leafy green"), 400, "email_not_confirmed")
	})
}
