// Package auth is the GoTrue-compatible surface under /auth/v1: sign-up,
// password and refresh-token grants, logout and the current user, as
// supabase-js's auth client calls them, and the admin user API that
// supabase.auth.admin.* calls with the service_role key.
//
// Sessions are rows in auth_sessions; each refresh token is stored only as
// its SHA-256 and is single-use: a refresh rotates it, and presenting a
// rotated token again revokes the whole session (reuse detection).
package auth

import (
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"tunebase/internal/config"
	"tunebase/internal/db"
	"tunebase/internal/principal"
)

// Service serves /auth/v1.
type Service struct {
	db   *db.DB
	keys *principal.Keys
	cfg  config.Auth

	perEmail *keyedLimiter
	perIP    *keyedLimiter
	// dummyHash is compared against when an email is unknown, so that a
	// wrong email costs the same bcrypt time as a wrong password.
	dummyHash []byte
	nowFunc   func() time.Time
}

// New returns the auth service.
func New(d *db.DB, keys *principal.Keys, cfg config.Auth) (*Service, error) {
	dummy, err := bcrypt.GenerateFromPassword([]byte("tunebase-timing-equaliser"), cfg.BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return &Service{
		db:        d,
		keys:      keys,
		cfg:       cfg,
		perEmail:  newKeyedLimiter(cfg.SignInPerEmail, cfg.SignInWindow),
		perIP:     newKeyedLimiter(cfg.SignInPerIP, cfg.SignInWindow),
		dummyHash: dummy,
		nowFunc:   time.Now,
	}, nil
}

func (s *Service) now() time.Time { return s.nowFunc().UTC() }
