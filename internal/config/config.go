// Package config holds Tunebase's typed configuration: defaults, loading from
// the environment and validation. It never reads globals: Load takes the
// lookup function, so tests pass a map.
package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of one Tunebase process.
type Config struct {
	// Addr is the HTTP listen address (TUNEBASE_ADDR).
	Addr string
	// DataDir holds the SQLite file, the generated JWT secret and local
	// objects (TUNEBASE_DATA_DIR).
	DataDir string
	// DatabaseURL selects PostgreSQL when it is a postgres:// URL; otherwise
	// the SQLite file in DataDir is used (DATABASE_URL).
	DatabaseURL string
	// JWTSecret signs and verifies every token. When empty, a secret is
	// generated at first start and kept in DataDir (TUNEBASE_JWT_SECRET).
	JWTSecret string
	// PublicURL is the URL printed at start and used in links; it defaults
	// to http://Addr (TUNEBASE_PUBLIC_URL).
	PublicURL string
	// ShutdownTimeout bounds how long in-flight requests may run after
	// SIGINT/SIGTERM (TUNEBASE_SHUTDOWN_TIMEOUT).
	ShutdownTimeout time.Duration
	// RequestTimeout bounds the work of one request; its database
	// statements are cancelled after it (TUNEBASE_REQUEST_TIMEOUT).
	RequestTimeout time.Duration
	// LogLevel is debug, info, warn or error (TUNEBASE_LOG_LEVEL).
	LogLevel string
	// LogFormat is text or json (TUNEBASE_LOG_FORMAT).
	LogFormat string

	// MaxRows caps the rows of one REST read, as Supabase's max_rows
	// (TUNEBASE_MAX_ROWS).
	MaxRows int

	Auth Auth
}

// Auth configures the /auth/v1 surface.
type Auth struct {
	// AccessTokenTTL is the lifetime of access tokens (TUNEBASE_JWT_EXPIRY).
	AccessTokenTTL time.Duration
	// PasswordMinLength is the shortest accepted password
	// (TUNEBASE_PASSWORD_MIN_LENGTH).
	PasswordMinLength int
	// BcryptCost is the bcrypt work factor (TUNEBASE_BCRYPT_COST).
	BcryptCost int
	// RequireEmailConfirmation makes sign-up return a user without a
	// session until the address is confirmed (TUNEBASE_REQUIRE_EMAIL_CONFIRMATION).
	RequireEmailConfirmation bool
	// SignInPerEmail and SignInPerIP bound password sign-in attempts per
	// SignInWindow (TUNEBASE_SIGNIN_PER_EMAIL, TUNEBASE_SIGNIN_PER_IP,
	// TUNEBASE_SIGNIN_WINDOW).
	SignInPerEmail int
	SignInPerIP    int
	SignInWindow   time.Duration
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         "./data",
		ShutdownTimeout: 10 * time.Second,
		RequestTimeout:  30 * time.Second,
		MaxRows:         1000,
		LogLevel:        "info",
		LogFormat:       "text",
		Auth: Auth{
			AccessTokenTTL:    time.Hour,
			PasswordMinLength: 8,
			BcryptCost:        10,
			SignInPerEmail:    10,
			SignInPerIP:       30,
			SignInWindow:      time.Minute,
		},
	}
}

// Load returns Default overlaid with the environment as seen through getenv.
// It reports every malformed variable, naming it.
func Load(getenv func(string) string) (Config, error) {
	c := Default()
	var errs []error
	str := func(key string, dst *string) {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			*dst = v
		}
	}
	dur := func(key string, dst *time.Duration) {
		v := strings.TrimSpace(getenv(key))
		if v == "" {
			return
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			// A bare number is seconds, as GoTrue's GOTRUE_JWT_EXP.
			n, nerr := strconv.Atoi(v)
			if nerr != nil {
				errs = append(errs, fmt.Errorf("config: %s=%q is not a duration (e.g. 30s, 1h)", key, v))
				return
			}
			d = time.Duration(n) * time.Second
		}
		*dst = d
	}
	integer := func(key string, dst *int) {
		v := strings.TrimSpace(getenv(key))
		if v == "" {
			return
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("config: %s=%q is not an integer", key, v))
			return
		}
		*dst = n
	}
	boolean := func(key string, dst *bool) {
		v := strings.TrimSpace(getenv(key))
		if v == "" {
			return
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("config: %s=%q is not a boolean", key, v))
			return
		}
		*dst = b
	}

	str("TUNEBASE_ADDR", &c.Addr)
	str("TUNEBASE_DATA_DIR", &c.DataDir)
	str("DATABASE_URL", &c.DatabaseURL)
	str("TUNEBASE_JWT_SECRET", &c.JWTSecret)
	str("TUNEBASE_PUBLIC_URL", &c.PublicURL)
	dur("TUNEBASE_SHUTDOWN_TIMEOUT", &c.ShutdownTimeout)
	dur("TUNEBASE_REQUEST_TIMEOUT", &c.RequestTimeout)
	integer("TUNEBASE_MAX_ROWS", &c.MaxRows)
	str("TUNEBASE_LOG_LEVEL", &c.LogLevel)
	str("TUNEBASE_LOG_FORMAT", &c.LogFormat)

	dur("TUNEBASE_JWT_EXPIRY", &c.Auth.AccessTokenTTL)
	integer("TUNEBASE_PASSWORD_MIN_LENGTH", &c.Auth.PasswordMinLength)
	integer("TUNEBASE_BCRYPT_COST", &c.Auth.BcryptCost)
	boolean("TUNEBASE_REQUIRE_EMAIL_CONFIRMATION", &c.Auth.RequireEmailConfirmation)
	integer("TUNEBASE_SIGNIN_PER_EMAIL", &c.Auth.SignInPerEmail)
	integer("TUNEBASE_SIGNIN_PER_IP", &c.Auth.SignInPerIP)
	dur("TUNEBASE_SIGNIN_WINDOW", &c.Auth.SignInWindow)

	return c, errors.Join(errs...)
}

// UsesPostgres reports whether DatabaseURL selects PostgreSQL.
func (c Config) UsesPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// Validate checks every field and names the one out of bounds.
func (c Config) Validate() error {
	var errs []error
	if c.Addr == "" {
		errs = append(errs, errors.New("config: addr must not be empty"))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("config: data dir must not be empty"))
	}
	if c.DatabaseURL != "" && !c.UsesPostgres() {
		errs = append(errs, fmt.Errorf("config: DATABASE_URL must be a postgres:// URL (leave it empty for SQLite)"))
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		errs = append(errs, errors.New("config: TUNEBASE_JWT_SECRET must be at least 32 characters"))
	}
	if c.MaxRows < 1 {
		errs = append(errs, errors.New("config: TUNEBASE_MAX_ROWS must be at least 1"))
	}
	if c.RequestTimeout < 0 {
		errs = append(errs, errors.New("config: TUNEBASE_REQUEST_TIMEOUT must not be negative (0 turns it off)"))
	}
	if c.ShutdownTimeout < 0 {
		errs = append(errs, errors.New("config: shutdown timeout must not be negative"))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("config: log level %q is not one of debug, info, warn, error", c.LogLevel))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("config: log format %q is not text or json", c.LogFormat))
	}
	a := c.Auth
	if a.AccessTokenTTL < 2*time.Minute {
		errs = append(errs, errors.New("config: TUNEBASE_JWT_EXPIRY must be at least 2m (supabase-js refreshes tokens that expire within 90s)"))
	}
	if a.PasswordMinLength < 6 || a.PasswordMinLength > 72 {
		errs = append(errs, errors.New("config: TUNEBASE_PASSWORD_MIN_LENGTH must be between 6 and 72"))
	}
	if a.BcryptCost < 4 || a.BcryptCost > 31 {
		errs = append(errs, errors.New("config: TUNEBASE_BCRYPT_COST must be between 4 and 31"))
	}
	if a.SignInPerEmail < 1 || a.SignInPerIP < 1 {
		errs = append(errs, errors.New("config: sign-in limits must be at least 1"))
	}
	if a.SignInWindow <= 0 {
		errs = append(errs, errors.New("config: TUNEBASE_SIGNIN_WINDOW must be positive"))
	}
	return errors.Join(errs...)
}
