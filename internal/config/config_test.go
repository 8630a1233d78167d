package config_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tunebase/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(nil))
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	require.Equal(t, "127.0.0.1:8080", c.Addr)
	require.Equal(t, "./data", c.DataDir)
	require.False(t, c.UsesPostgres())
	require.Equal(t, time.Hour, c.Auth.AccessTokenTTL)
	require.Equal(t, 8, c.Auth.PasswordMinLength)
}

func TestLoadFromEnvironment(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(map[string]string{
		"TUNEBASE_ADDR":       ":9000",
		"TUNEBASE_DATA_DIR":   "/srv/tunebase",
		"DATABASE_URL":        "postgres://u@h/db",
		"TUNEBASE_JWT_EXPIRY": "600",
	}))
	require.NoError(t, err)
	require.Equal(t, ":9000", c.Addr)
	require.Equal(t, "/srv/tunebase", c.DataDir)
	require.True(t, c.UsesPostgres())
	require.Equal(t, 10*time.Minute, c.Auth.AccessTokenTTL)
}

func TestBadValuesNameTheSetting(t *testing.T) {
	t.Parallel()
	_, err := config.Load(env(map[string]string{"TUNEBASE_SHUTDOWN_TIMEOUT": "soon", "TUNEBASE_BCRYPT_COST": "high"}))
	require.ErrorContains(t, err, "TUNEBASE_SHUTDOWN_TIMEOUT")
	require.ErrorContains(t, err, "TUNEBASE_BCRYPT_COST")

	c := config.Default()
	c.DatabaseURL = "mysql://x"
	c.JWTSecret = "short"
	c.Auth.AccessTokenTTL = time.Second
	err = c.Validate()
	require.ErrorContains(t, err, "DATABASE_URL")
	require.ErrorContains(t, err, "TUNEBASE_JWT_SECRET")
	require.ErrorContains(t, err, "TUNEBASE_JWT_EXPIRY")
}
