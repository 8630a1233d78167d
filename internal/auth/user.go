package auth

import (
	"context"
	"database/sql"
	"net/http"

	"golang.org/x/crypto/bcrypt"

	"tunebase/internal/db"
	"tunebase/internal/httpx"
	"tunebase/internal/principal"
)

// currentUser checks that the caller is a signed-in user whose session is
// still open, and loads them.
func (s *Service) currentUser(ctx context.Context, q db.Querier) (*user, error) {
	pr := principal.From(ctx)
	if !pr.IsUser() {
		return nil, errNeedsUser
	}
	if pr.SessionID != "" {
		ok, err := s.sessionExists(ctx, pr.SessionID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errSessionNotFound
		}
	}
	u, err := s.userBy(ctx, q, "id", pr.UserID)
	if isNotFound(err) {
		return nil, errUserNotFound
	}
	return u, err
}

// GetUser serves GET /auth/v1/user.
func (s *Service) GetUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.currentUser(r.Context(), s.db)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, userJSON(u))
}

// updateRequest is the body of supabase-js's updateUser.
type updateRequest struct {
	Email    *string        `json:"email"`
	Password *string        `json:"password"`
	Data     map[string]any `json:"data"`
}

// UpdateUser serves PUT /auth/v1/user: a new password, a new email (taken
// at once, as confirmation is off) and data merged into user_metadata
// (a null value removes a key). display_name and avatar_url in data also
// update the profile, in the same transaction.
func (s *Service) UpdateUser(w http.ResponseWriter, r *http.Request) error {
	var req updateRequest
	if err := httpx.DecodeJSON(w, r, 0, &req); err != nil {
		return err
	}
	var newEmail string
	if req.Email != nil {
		newEmail = normalizeEmail(*req.Email)
		if err := s.checkEmail(newEmail); err != nil {
			return err
		}
	}
	if req.Password != nil {
		if err := s.checkPassword(*req.Password); err != nil {
			return err
		}
	}
	profile, err := profileFields("data", req.Data)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var u *user
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.currentUser(ctx, tx)
		if err != nil {
			return err
		}
		if req.Password != nil {
			if bcrypt.CompareHashAndPassword([]byte(cur.EncryptedPassword), []byte(*req.Password)) == nil {
				return errSamePassword
			}
			if err := s.setPassword(ctx, tx, cur.ID, *req.Password); err != nil {
				return err
			}
		}
		if req.Email != nil && newEmail != cur.Email {
			if err := s.setEmail(ctx, tx, cur.ID, newEmail); err != nil {
				return err
			}
		}
		if req.Data != nil {
			if err := s.updateUserMetadata(ctx, tx, cur, "data", req.Data, profile); err != nil {
				return err
			}
		}
		u, err = s.userBy(ctx, tx, "id", cur.ID)
		return err
	})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, userJSON(u))
}
