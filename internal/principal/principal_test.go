package principal_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"tunebase/internal/principal"
)

const secret = "0123456789abcdef0123456789abcdef"

func TestVerifyRefusesOtherAlgorithmsAndMissingExpiry(t *testing.T) {
	t.Parallel()
	k, err := principal.NewKeys(secret)
	require.NoError(t, err)
	exp := jwt.NewNumericDate(time.Now().Add(time.Hour))

	hs384, err := jwt.NewWithClaims(jwt.SigningMethodHS384, principal.Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: exp}, Role: "anon"}).SignedString([]byte(secret))
	require.NoError(t, err)
	_, err = k.Verify(hs384)
	require.ErrorIs(t, err, principal.ErrInvalid, "only HS256 is accepted")

	noExp, err := jwt.NewWithClaims(jwt.SigningMethodHS256, principal.Claims{Role: "anon"}).SignedString([]byte(secret))
	require.NoError(t, err)
	_, err = k.Verify(noExp)
	require.ErrorIs(t, err, principal.ErrInvalid, "a token without exp is refused")

	expired, err := k.Sign(principal.Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: jwt.NewNumericDate(time.Now().Add(-time.Minute))}, Role: "anon"})
	require.NoError(t, err)
	_, err = k.Verify(expired)
	require.ErrorIs(t, err, principal.ErrExpired)
	_, err = k.VerifyProjectKey(expired)
	require.ErrorIs(t, err, principal.ErrExpired, "the project-key cache never admits an expired key")

	c, err := k.VerifyProjectKey(k.AnonKey())
	require.NoError(t, err)
	require.Equal(t, principal.RoleAnon, c.Role)
	_, err = principal.NewKeys("short")
	require.Error(t, err)
}

func TestResolveRoles(t *testing.T) {
	t.Parallel()
	k, err := principal.NewKeys(secret)
	require.NoError(t, err)
	p, err := k.Resolve(k.AnonKey(), "")
	require.NoError(t, err)
	require.Equal(t, principal.RoleAnon, p.Role)
	p, err = k.Resolve(k.AnonKey(), k.ServiceRoleKey())
	require.NoError(t, err)
	require.True(t, p.IsService())

	user, err := k.Sign(principal.Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: "6f1c0f9e-4f5e-4d3a-9a57-1d2b3c4d5e6f", Audience: jwt.ClaimStrings{"authenticated"},
			ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))},
		Role: principal.RoleAuthenticated, SessionID: "s1",
	})
	require.NoError(t, err)
	p, err = k.Resolve(k.AnonKey(), user)
	require.NoError(t, err)
	require.True(t, p.IsUser())
	require.Equal(t, "s1", p.SessionID)

	payload, err := jwt.NewParser().DecodeSegment(strings.Split(user, ".")[1])
	require.NoError(t, err)
	require.NotContains(t, string(payload), `"aud":[`, "a single audience is a string, as GoTrue writes it")

	badSub, err := k.Sign(principal.Claims{RegisteredClaims: jwt.RegisteredClaims{Subject: "not-a-uuid", ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))}, Role: principal.RoleAuthenticated})
	require.NoError(t, err)
	_, err = k.Resolve(k.AnonKey(), badSub)
	require.Error(t, err)
	_, err = k.Resolve("", "")
	require.Error(t, err)
	_, err = k.Resolve(user, "")
	require.Error(t, err, "a user token is not a project key")
}

func TestLoadSecretOnceUnderConcurrentStarts(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	const n = 8
	got := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = principal.LoadSecret(dir, "")
		}()
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		require.Equal(t, got[0], got[i], "every start reads the one secret")
	}
	require.Len(t, got[0], 64)
	info, err := os.Stat(filepath.Join(dir, principal.SecretFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.False(t, strings.Contains(e.Name(), ".tmp"), "no temp file left: %s", e.Name())
	}

	fromEnv, err := principal.LoadSecret(dir, strings.Repeat("e", 40))
	require.NoError(t, err)
	require.Equal(t, strings.Repeat("e", 40), fromEnv)
}
