package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"tunebase/internal/db"
)

// user is a row of auth_users.
type user struct {
	ID                string
	Email             string
	EncryptedPassword string
	EmailConfirmedAt  db.NullTime
	LastSignInAt      db.NullTime
	UserMetadata      db.JSONObject
	AppMetadata       db.JSONObject
	CreatedAt         db.Time
	UpdatedAt         db.Time
}

const userColumns = "id, email, encrypted_password, email_confirmed_at, last_sign_in_at, raw_user_meta_data, raw_app_meta_data, created_at, updated_at"

func scanUser(row interface{ Scan(...any) error }) (*user, error) {
	var u user
	err := row.Scan(&u.ID, &u.Email, &u.EncryptedPassword, &u.EmailConfirmedAt, &u.LastSignInAt,
		&u.UserMetadata, &u.AppMetadata, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// userBy loads a user by a unique column ("id" or "email").
func (s *Service) userBy(ctx context.Context, q db.Querier, column, value string) (*user, error) {
	if column != "id" && column != "email" {
		panic("auth: userBy on a non-unique column")
	}
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userColumns+" FROM auth_users WHERE "+column+" = "+s.db.Dialect.Placeholder(1), value))
	if err != nil {
		return nil, s.db.Dialect.TranslateError(err)
	}
	return u, nil
}

func normalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// newRefreshToken returns a random token and the hash that is stored.
func newRefreshToken() (token, hash string) {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// createSession opens a session for u and issues its first refresh token.
func (s *Service) createSession(ctx context.Context, q db.Querier, userID, userAgent, ip string) (sessionID, refresh string, err error) {
	p := s.db.Dialect.Placeholder
	if err := q.QueryRowContext(ctx, "INSERT INTO auth_sessions (user_id, user_agent, ip) VALUES ("+p(1)+", "+p(2)+", "+p(3)+") RETURNING id",
		userID, truncate(userAgent, 512), ip).Scan(&sessionID); err != nil {
		return "", "", fmt.Errorf("auth: create session: %w", err)
	}
	refresh, hash := newRefreshToken()
	if _, err := q.ExecContext(ctx, "INSERT INTO auth_refresh_tokens (token_hash, user_id, session_id) VALUES ("+p(1)+", "+p(2)+", "+p(3)+")",
		hash, userID, sessionID); err != nil {
		return "", "", fmt.Errorf("auth: create refresh token: %w", err)
	}
	return sessionID, refresh, nil
}

// sessionExists reports whether the session is still open.
func (s *Service) sessionExists(ctx context.Context, id string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM auth_sessions WHERE id = "+s.db.Dialect.Placeholder(1), id).Scan(&n)
	return n > 0, err
}

func (s *Service) touchSignIn(ctx context.Context, q db.Querier, userID string, at time.Time) error {
	p := s.db.Dialect.Placeholder
	_, err := q.ExecContext(ctx, "UPDATE auth_users SET last_sign_in_at = "+p(1)+" WHERE id = "+p(2), db.FormatTime(at), userID)
	return err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

var errNotFound = db.ErrNotFound

func isNotFound(err error) bool { return errors.Is(err, errNotFound) }
