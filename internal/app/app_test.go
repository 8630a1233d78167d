package app_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"tunebase/internal/app"
	"tunebase/internal/app/apptest"
	"tunebase/internal/db/dbtest"
	"tunebase/internal/principal"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func forEachServer(t *testing.T, fn func(t *testing.T, s *apptest.Server)) {
	for _, b := range dbtest.Backends() {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			fn(t, apptest.Start(t, b, nil))
		})
	}
}

// requireEnvelope checks the error body shape every surface shares.
func requireEnvelope(t *testing.T, r apptest.Response, status int, code string) map[string]any {
	t.Helper()
	require.Equal(t, status, r.Status, "body: %s", r.Body)
	require.Contains(t, r.Header.Get("Content-Type"), "application/json")
	body := r.Object(t)
	for _, k := range []string{"code", "message", "details", "hint"} {
		require.Contains(t, body, k)
	}
	require.Equal(t, code, body["code"])
	require.NotEmpty(t, body["message"])
	return body
}

func TestHealthAndRouter(t *testing.T) {
	t.Parallel()
	forEachServer(t, func(t *testing.T, s *apptest.Server) {
		r := s.Do(t, "GET", "/health", nil)
		require.Equal(t, http.StatusOK, r.Status)
		require.JSONEq(t, `{"status":"ok"}`, string(r.Body))
		require.NotEmpty(t, r.Header.Get("X-Request-Id"))

		r = s.Do(t, "GET", "/rest/v1/", nil, "apikey", s.AnonKey)
		require.Equal(t, http.StatusOK, r.Status, "body: %s", r.Body)
		doc := r.Object(t)
		require.Equal(t, "2.0", doc["swagger"])
		paths := doc["paths"].(map[string]any)
		for _, table := range []string{"profiles", "artists", "projects", "tracks", "track_versions", "ai_generations"} {
			require.Contains(t, paths, "/"+table)
		}
		require.NotContains(t, paths, "/auth_users", "auth tables are never exposed")

		requireEnvelope(t, s.Do(t, "GET", "/no/such/route", nil), http.StatusNotFound, "NOT_FOUND")
	})
}

func signWith(t *testing.T, secret string, claims principal.Claims) string {
	t.Helper()
	k, err := principal.NewKeys(secret)
	require.NoError(t, err)
	tok, err := k.Sign(claims)
	require.NoError(t, err)
	return tok
}

func algNone(t *testing.T, payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc([]byte(payload)) + "."
}

func TestBadKeysAndTokensGet401(t *testing.T) {
	t.Parallel()
	forEachServer(t, func(t *testing.T, s *apptest.Server) {
		future := jwt.NewNumericDate(time.Now().Add(time.Hour))
		past := jwt.NewNumericDate(time.Now().Add(-time.Hour))
		other := strings.Repeat("x", 40)
		expiredUser := s.App.Keys
		expired, err := expiredUser.Sign(principal.Claims{
			RegisteredClaims: jwt.RegisteredClaims{Subject: "6f1c0f9e-4f5e-4d3a-9a57-1d2b3c4d5e6f", ExpiresAt: past},
			Role:             principal.RoleAuthenticated,
		})
		require.NoError(t, err)
		user, err := s.App.Keys.Sign(principal.Claims{
			RegisteredClaims: jwt.RegisteredClaims{Subject: "6f1c0f9e-4f5e-4d3a-9a57-1d2b3c4d5e6f", ExpiresAt: future},
			Role:             principal.RoleAuthenticated,
		})
		require.NoError(t, err)

		cases := []struct {
			name    string
			headers []string
			status  int
			code    string
		}{
			{"no apikey", nil, 401, "AUTH_MISSING_APIKEY"},
			{"key signed with another secret", []string{"apikey", signWith(t, other, principal.Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: future}, Role: "anon"})}, 401, "AUTH_INVALID_TOKEN"},
			{"alg none key", []string{"apikey", algNone(t, `{"role":"service_role","exp":4102444800}`)}, 401, "AUTH_INVALID_TOKEN"},
			{"alg none bearer", []string{"apikey", s.AnonKey, "Authorization", "Bearer " + algNone(t, `{"role":"service_role","exp":4102444800}`)}, 401, "AUTH_INVALID_TOKEN"},
			{"expired bearer", []string{"apikey", s.AnonKey, "Authorization", "Bearer " + expired}, 401, "AUTH_TOKEN_EXPIRED"},
			{"garbage bearer", []string{"apikey", s.AnonKey, "Authorization", "Bearer not.a.jwt"}, 401, "AUTH_INVALID_TOKEN"},
			{"user token as apikey", []string{"apikey", user}, 401, "AUTH_INVALID_TOKEN"},
		}
		for _, c := range cases {
			r := s.Do(t, "GET", "/rest/v1/", nil, c.headers...)
			body := requireEnvelope(t, r, c.status, c.code)
			require.NotContains(t, string(r.Body), "signature is invalid", "%s: no library internals in the body", c.name)
			_ = body
		}

		// The GoTrue surface adds the fields auth-js reads.
		r := s.Do(t, "GET", "/auth/v1/user", nil, "apikey", s.AnonKey, "Authorization", "Bearer "+expired)
		body := requireEnvelope(t, r, 401, "AUTH_TOKEN_EXPIRED")
		require.Equal(t, "AUTH_TOKEN_EXPIRED", body["error_code"])
		require.NotEmpty(t, body["msg"])
		require.Equal(t, "2024-01-01", r.Header.Get("X-Supabase-Api-Version"))

		// Good keys and tokens pass.
		for _, h := range [][]string{
			{"apikey", s.AnonKey},
			{"apikey", s.ServiceRoleKey},
			{"apikey", s.AnonKey, "Authorization", "Bearer " + s.AnonKey},
			{"apikey", s.AnonKey, "Authorization", "Bearer " + user},
		} {
			require.Equal(t, http.StatusOK, s.Do(t, "GET", "/rest/v1/", nil, h...).Status)
		}
	})
}

func TestCORSPreflightNeedsNoKey(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, dbtest.Backends()[0], nil)
	r := s.Do(t, "OPTIONS", "/rest/v1/artists", nil,
		"Origin", "http://localhost:5173",
		"Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", "apikey, authorization, x-client-info, content-type, prefer")
	require.Equal(t, http.StatusNoContent, r.Status)
	require.Equal(t, "*", r.Header.Get("Access-Control-Allow-Origin"))
	allowed := strings.ToLower(r.Header.Get("Access-Control-Allow-Headers"))
	for _, h := range []string{"apikey", "authorization", "x-client-info", "content-type", "prefer", "range", "accept-profile", "content-profile", "x-upsert"} {
		require.Contains(t, allowed, h)
	}
	require.Contains(t, r.Header.Get("Access-Control-Allow-Methods"), "PATCH")

	r = s.Do(t, "GET", "/rest/v1/", nil, "apikey", s.AnonKey, "Origin", "http://localhost:5173")
	expose := r.Header.Get("Access-Control-Expose-Headers")
	require.Contains(t, expose, "Content-Range")
	require.Contains(t, expose, "X-RateLimit-Remaining")
}

func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := app.Main(args, func(k string) string { return env[k] }, &out, &errb)
	return code, out.String(), errb.String()
}

func TestKeysCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, first, stderr := runCLI(t, nil, "keys", "--data-dir", dir)
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSpace(first), "\n")
	require.Len(t, lines, 2)
	require.True(t, strings.HasPrefix(lines[0], "ANON_KEY="))
	require.True(t, strings.HasPrefix(lines[1], "SERVICE_ROLE_KEY="))

	code, second, _ := runCLI(t, map[string]string{"TUNEBASE_DATA_DIR": dir}, "keys")
	require.Equal(t, 0, code)
	require.Equal(t, first, second, "the same data dir gives the same keys")

	info, err := os.Stat(filepath.Join(dir, principal.SecretFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	secret, err := os.ReadFile(filepath.Join(dir, principal.SecretFile))
	require.NoError(t, err)
	keys, err := principal.NewKeys(strings.TrimSpace(string(secret)))
	require.NoError(t, err)
	for i, role := range []string{"anon", "service_role"} {
		_, tok, _ := strings.Cut(lines[i], "=")
		c, err := keys.Verify(tok)
		require.NoError(t, err)
		require.Equal(t, role, c.Role)
		require.True(t, c.ExpiresAt.After(time.Now().AddDate(10, 0, 0)), "long expiry")
		var header map[string]any
		raw, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
		require.NoError(t, json.Unmarshal(raw, &header))
		require.Equal(t, "HS256", header["alg"])
	}

	env := map[string]string{"TUNEBASE_JWT_SECRET": strings.Repeat("s", 40)}
	code, fromEnv, _ := runCLI(t, env, "keys", "--data-dir", t.TempDir())
	require.Equal(t, 0, code)
	require.NotEqual(t, first, fromEnv)
}

func TestCommandsHaveHelp(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"serve", "keys", "migrate", "version"} {
		code, _, stderr := runCLI(t, nil, cmd, "-h")
		require.Equal(t, 0, code, cmd)
		require.Contains(t, stderr, "Usage: tunebase "+cmd, cmd)
	}
	code, _, _ := runCLI(t, nil, "bogus")
	require.Equal(t, 2, code)
	code, out, _ := runCLI(t, nil, "version")
	require.Equal(t, 0, code)
	require.True(t, strings.HasPrefix(out, "tunebase "))
}

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	for _, b := range dbtest.Backends() {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			opts := dbtest.EmptyOptions(t, b)
			env := map[string]string{"TUNEBASE_DATA_DIR": t.TempDir(), "DATABASE_URL": opts.URL}
			for range 2 {
				code, out, stderr := runCLI(t, env, "migrate")
				require.Equal(t, 0, code, stderr)
				require.Contains(t, out, "migrations up to date on "+b)
			}
		})
	}
}
