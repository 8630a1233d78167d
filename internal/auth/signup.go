package auth

import (
	"database/sql"
	"net"
	"net/http"

	"tunebase/internal/apierr"
	"tunebase/internal/db"
	"tunebase/internal/httpx"
)

// signupRequest is the body supabase-js's signUp sends.
type signupRequest struct {
	Email    string         `json:"email"`
	Password string         `json:"password"`
	Phone    string         `json:"phone"`
	Data     map[string]any `json:"data"`
}

func (s *Service) validateSignup(req *signupRequest) error {
	req.Email = normalizeEmail(req.Email)
	if req.Email == "" && req.Phone != "" {
		return apierr.New(http.StatusUnprocessableEntity, apierr.GoTruePhoneProviderDisabled, "Phone signups are disabled")
	}
	if req.Email == "" && req.Password == "" {
		return apierr.New(http.StatusUnprocessableEntity, "anonymous_provider_disabled", "Anonymous sign-ins are disabled")
	}
	if err := s.checkEmail(req.Email); err != nil {
		return err
	}
	if err := s.checkPassword(req.Password); err != nil {
		return err
	}
	if req.Data == nil {
		req.Data = map[string]any{}
	}
	return checkMetadata("data", req.Data)
}

// Signup serves POST /auth/v1/signup: it creates the user and the profile
// (from data.display_name and data.avatar_url) in one transaction, and
// answers with a session, or with the bare user when email confirmation is
// required.
func (s *Service) Signup(w http.ResponseWriter, r *http.Request) error {
	var req signupRequest
	if err := httpx.DecodeJSON(w, r, 0, &req); err != nil {
		return err
	}
	if err := s.validateSignup(&req); err != nil {
		return err
	}
	profile, err := profileFields("data", req.Data)
	if err != nil {
		return err
	}
	hash, err := s.hashPassword(req.Password)
	if err != nil {
		return err
	}

	ctx := r.Context()
	now := s.now()
	var confirmedAt any
	if !s.cfg.RequireEmailConfirmation {
		confirmedAt = db.FormatTime(now)
	}
	var u *user
	var session map[string]any
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		id, err := s.insertUser(ctx, tx, newUser{
			email: req.Email, passwordHash: hash, confirmedAt: confirmedAt, userMeta: req.Data, profile: profile,
		}, errUserExists)
		if err != nil {
			return err
		}
		if s.cfg.RequireEmailConfirmation {
			u, err = s.userBy(ctx, tx, "id", id)
			return err
		}
		if err := s.touchSignIn(ctx, tx, id, now); err != nil {
			return err
		}
		if u, err = s.userBy(ctx, tx, "id", id); err != nil {
			return err
		}
		sessionID, refresh, err := s.createSession(ctx, tx, id, r.UserAgent(), clientIP(r))
		if err != nil {
			return err
		}
		session, err = s.sessionJSON(u, sessionID, refresh, "password")
		return err
	})
	if err != nil {
		return err
	}
	if session == nil {
		return httpx.WriteJSON(w, http.StatusOK, userJSON(u))
	}
	return httpx.WriteJSON(w, http.StatusOK, session)
}

// clientIP is the peer address of r (proxies are not trusted).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
