package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

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

// noPasswordHash is the encrypted_password of a user created without a
// password. It is not a bcrypt hash, so no password matches it.
const noPasswordHash = "!"

// hasPassword reports whether u can sign in with a password.
func (u *user) hasPassword() bool { return u.EncryptedPassword != noPasswordHash }

func (s *Service) hashPassword(pw string) (string, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), s.cfg.BcryptCost)
	return string(hash), err
}

// newUser is a user to create: its auth_users row and the profile made from
// the metadata's display_name and avatar_url (see profileFields).
type newUser struct {
	email        string
	passwordHash string
	confirmedAt  any // nil, or a db.FormatTime value
	userMeta     map[string]any
	appMeta      map[string]any
	profile      map[string]any
}

// insertUser creates nu and its profile inside tx and returns the new id. An
// email already taken yields dup.
func (s *Service) insertUser(ctx context.Context, tx *sql.Tx, nu newUser, dup error) (string, error) {
	p := s.db.Dialect.Placeholder
	var id string
	err := tx.QueryRowContext(ctx, "INSERT INTO auth_users (email, encrypted_password, email_confirmed_at, raw_user_meta_data, raw_app_meta_data) VALUES ("+
		p(1)+", "+p(2)+", "+p(3)+", "+p(4)+", "+p(5)+") RETURNING id",
		nu.email, nu.passwordHash, nu.confirmedAt, db.JSONObject(nu.userMeta), db.JSONObject(nu.appMeta)).Scan(&id)
	if err != nil {
		if s.isUniqueViolation(err) {
			return "", dup
		}
		return "", err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO profiles (user_id, display_name, avatar_url) VALUES ("+p(1)+", "+p(2)+", "+p(3)+")",
		id, nu.profile["display_name"], nu.profile["avatar_url"]); err != nil {
		return "", err
	}
	return id, nil
}

func (s *Service) isUniqueViolation(err error) bool {
	ce, ok := db.AsConstraint(s.db.Dialect.TranslateError(err))
	return ok && ce.Kind == db.ViolationUnique
}

// setPassword hashes pw and stores it as the user's password.
func (s *Service) setPassword(ctx context.Context, q db.Querier, userID, pw string) error {
	hash, err := s.hashPassword(pw)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, "UPDATE auth_users SET encrypted_password = "+s.db.Dialect.Placeholder(1)+" WHERE id = "+s.db.Dialect.Placeholder(2), hash, userID)
	return err
}

// setEmail changes the user's email (already normalised and checked); an
// email that another user has yields errEmailExists.
func (s *Service) setEmail(ctx context.Context, q db.Querier, userID, email string) error {
	p := s.db.Dialect.Placeholder
	_, err := q.ExecContext(ctx, "UPDATE auth_users SET email = "+p(1)+" WHERE id = "+p(2), email, userID)
	if err != nil && s.isUniqueViolation(err) {
		return errEmailExists
	}
	return err
}

// mergeMetadata applies updates to meta as GoTrue does: each key is set,
// and a null value removes the key.
func mergeMetadata(meta, updates map[string]any) map[string]any {
	if meta == nil {
		meta = map[string]any{}
	}
	for k, v := range updates {
		if v == nil {
			delete(meta, k)
		} else {
			meta[k] = v
		}
	}
	return meta
}

// updateUserMetadata merges updates (the request field name, for errors)
// into u's user_metadata and writes display_name and avatar_url, when
// present, to the profile as well. profile is profileFields(updates).
func (s *Service) updateUserMetadata(ctx context.Context, q db.Querier, u *user, name string, updates, profile map[string]any) error {
	p := s.db.Dialect.Placeholder
	meta := mergeMetadata(u.UserMetadata, updates)
	if err := checkMetadata(name, meta); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, "UPDATE auth_users SET raw_user_meta_data = "+p(1)+" WHERE id = "+p(2), db.JSONObject(meta), u.ID); err != nil {
		return err
	}
	for _, col := range []string{"display_name", "avatar_url"} { // fixed identifiers
		if v, ok := profile[col]; ok {
			if _, err := q.ExecContext(ctx, "UPDATE profiles SET "+col+" = "+p(1)+" WHERE user_id = "+p(2), v, u.ID); err != nil {
				return err
			}
		}
	}
	return nil
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

func isNotFound(err error) bool { return errors.Is(err, db.ErrNotFound) }
