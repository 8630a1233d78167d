package auth

import (
	"database/sql"
	"net/http"

	"golang.org/x/crypto/bcrypt"

	"tunebase/internal/apierr"
	"tunebase/internal/httpx"
)

// tokenRequest is the body of both grants.
type tokenRequest struct {
	Email        string `json:"email"`
	Phone        string `json:"phone"`
	Password     string `json:"password"`
	RefreshToken string `json:"refresh_token"`
}

// Token serves POST /auth/v1/token?grant_type=password|refresh_token.
func (s *Service) Token(w http.ResponseWriter, r *http.Request) error {
	var req tokenRequest
	if err := httpx.DecodeJSON(w, r, 0, &req); err != nil {
		return err
	}
	switch gt := r.URL.Query().Get("grant_type"); gt {
	case "password":
		return s.passwordGrant(w, r, req)
	case "refresh_token":
		return s.refreshGrant(w, r, req)
	case "":
		return requiredField("grant_type")
	default:
		return apierr.Newf(http.StatusBadRequest, apierr.GoTrueUnsupportedGrantType, "unsupported grant_type %q (want password or refresh_token)", gt)
	}
}

// passwordGrant signs a user in. A wrong password and an unknown email get
// the same answer after the same bcrypt work, so nobody learns who has an
// account; attempts are limited per email and per IP.
func (s *Service) passwordGrant(w http.ResponseWriter, r *http.Request, req tokenRequest) error {
	email := normalizeEmail(req.Email)
	if email == "" {
		if req.Phone != "" {
			return apierr.New(http.StatusBadRequest, apierr.GoTruePhoneProviderDisabled, "Phone logins are disabled")
		}
		return requiredField("email")
	}
	if req.Password == "" {
		return requiredField("password")
	}
	now := s.now()
	if ok, retry := s.perIP.allow(clientIP(r), now); !ok {
		return rateLimited(retry)
	}
	if ok, retry := s.perEmail.allow(email, now); !ok {
		return rateLimited(retry)
	}

	ctx := r.Context()
	u, err := s.userBy(ctx, s.db, "email", email)
	if err != nil && !isNotFound(err) {
		return err
	}
	hash := s.dummyHash
	if u != nil && u.hasPassword() {
		hash = []byte(u.EncryptedPassword)
	}
	match := bcrypt.CompareHashAndPassword(hash, []byte(req.Password)) == nil
	if u == nil || !u.hasPassword() || !match {
		return errInvalidCredentials
	}
	if s.cfg.RequireEmailConfirmation && !u.EmailConfirmedAt.Valid {
		return errEmailNotConfirmed
	}

	var session map[string]any
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.touchSignIn(ctx, tx, u.ID, now); err != nil {
			return err
		}
		sessionID, refresh, err := s.createSession(ctx, tx, u.ID, r.UserAgent(), clientIP(r))
		if err != nil {
			return err
		}
		fresh, err := s.userBy(ctx, tx, "id", u.ID)
		if err != nil {
			return err
		}
		session, err = s.sessionJSON(fresh, sessionID, refresh, "password")
		return err
	})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, session)
}

// refreshGrant rotates a refresh token. Presenting a token that was already
// rotated (or racing another refresh of it) revokes the whole session.
func (s *Service) refreshGrant(w http.ResponseWriter, r *http.Request, req tokenRequest) error {
	if req.RefreshToken == "" {
		return requiredField("refresh_token")
	}
	ctx := r.Context()
	p := s.db.Dialect.Placeholder
	var session map[string]any
	reused := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		var userID, sessionID string
		var revoked bool
		err := tx.QueryRowContext(ctx, "SELECT id, user_id, session_id, revoked FROM auth_refresh_tokens WHERE token_hash = "+p(1),
			hashToken(req.RefreshToken)).Scan(&id, &userID, &sessionID, &revoked)
		if err == sql.ErrNoRows {
			return errRefreshNotFound
		}
		if err != nil {
			return err
		}
		if !revoked {
			res, err := tx.ExecContext(ctx, "UPDATE auth_refresh_tokens SET revoked = true WHERE id = "+p(1)+" AND revoked = false", id)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			revoked = n == 0
		}
		if revoked {
			reused = true
			_, err := tx.ExecContext(ctx, "DELETE FROM auth_sessions WHERE id = "+p(1), sessionID)
			return err
		}
		refresh, hash := newRefreshToken()
		if _, err := tx.ExecContext(ctx, "INSERT INTO auth_refresh_tokens (token_hash, user_id, session_id, parent) VALUES ("+
			p(1)+", "+p(2)+", "+p(3)+", "+p(4)+")", hash, userID, sessionID, hashToken(req.RefreshToken)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE auth_sessions SET refreshed_at = "+s.db.Dialect.Now()+" WHERE id = "+p(1), sessionID); err != nil {
			return err
		}
		u, err := s.userBy(ctx, tx, "id", userID)
		if err != nil {
			return err
		}
		session, err = s.sessionJSON(u, sessionID, refresh, "token_refresh")
		return err
	})
	if err != nil {
		return err
	}
	if reused {
		httpx.Logger(ctx).WarnContext(ctx, "refresh token reused; session revoked")
		return errRefreshReused
	}
	return httpx.WriteJSON(w, http.StatusOK, session)
}
