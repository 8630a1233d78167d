package auth

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"

	"tunebase/internal/db"
	"tunebase/internal/httpx"
	"tunebase/internal/principal"
)

// The admin user API under /auth/v1/admin/users, which
// supabase.auth.admin.* calls. Only the service_role key may use it.

// Page sizes of the user list, as GoTrue's.
const (
	defaultPerPage = 50
	maxPerPage     = 1000
)

// requireAdmin refuses every caller but the service_role key, as GoTrue does.
func requireAdmin(ctx context.Context) error {
	if !principal.From(ctx).IsService() {
		return errNotAdmin
	}
	return nil
}

// adminTarget checks the caller is the service role and returns the user
// id the route names.
func adminTarget(r *http.Request) (string, error) {
	if err := requireAdmin(r.Context()); err != nil {
		return "", err
	}
	return userIDParam(r)
}

// adminUserBy loads the user the admin route names, or answers 404.
func (s *Service) adminUserBy(ctx context.Context, q db.Querier, id string) (*user, error) {
	u, err := s.userBy(ctx, q, "id", id)
	if isNotFound(err) {
		return nil, errNoSuchUser
	}
	return u, err
}

// AdminListUsers serves GET /auth/v1/admin/users?page=&per_page=: the
// newest users first, with GoTrue's X-Total-Count and Link headers, from
// which auth-js's listUsers computes nextPage, lastPage and total.
func (s *Service) AdminListUsers(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	query := r.URL.Query()
	page, err := pageParam(query, "page", 1)
	if err != nil {
		return err
	}
	perPage, err := pageParam(query, "per_page", defaultPerPage)
	if err != nil {
		return err
	}
	perPage = min(perPage, maxPerPage)

	var total uint64
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM auth_users").Scan(&total); err != nil {
		return err
	}
	p := s.db.Dialect.Placeholder
	rows, err := s.db.QueryContext(ctx, "SELECT "+userColumns+" FROM auth_users ORDER BY created_at DESC, id DESC LIMIT "+p(1)+" OFFSET "+p(2),
		int64(perPage), int64((page-1)*perPage))
	if err != nil {
		return err
	}
	defer rows.Close()
	users := []map[string]any{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return err
		}
		users = append(users, userJSON(u))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	w.Header().Set("X-Total-Count", strconv.FormatUint(total, 10))
	w.Header().Set("Link", paginationLinks(r.URL, page, perPage, total))
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"users": users, "aud": "authenticated"})
}

// AdminCreateUser serves POST /auth/v1/admin/users. Like sign-up it creates
// the profile from user_metadata in the same transaction; unlike it, the
// password is optional (without one the user cannot sign in with a password
// until one is set) and the email is confirmed only with email_confirm.
func (s *Service) AdminCreateUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	var req adminUserRequest
	if err := httpx.DecodeJSON(w, r, 0, &req); err != nil {
		return err
	}
	profile, err := s.checkAdminUser(&req, true)
	if err != nil {
		return err
	}
	hash := noPasswordHash
	if req.Password != nil && *req.Password != "" {
		if hash, err = s.hashPassword(*req.Password); err != nil {
			return err
		}
	}
	var confirmedAt any
	if req.EmailConfirm {
		confirmedAt = db.FormatTime(s.now())
	}
	if req.UserMetadata == nil {
		req.UserMetadata = map[string]any{}
	}
	var u *user
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		id, err := s.insertUser(ctx, tx, newUser{
			email: req.Email, passwordHash: hash, confirmedAt: confirmedAt,
			userMeta: req.UserMetadata, appMeta: mergeMetadata(nil, req.AppMetadata), profile: profile,
		}, errEmailExists)
		if err != nil {
			return err
		}
		u, err = s.userBy(ctx, tx, "id", id)
		return err
	})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, userJSON(u))
}

// AdminGetUser serves GET /auth/v1/admin/users/{id}.
func (s *Service) AdminGetUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := adminTarget(r)
	if err != nil {
		return err
	}
	u, err := s.adminUserBy(ctx, s.db, id)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, userJSON(u))
}

// AdminUpdateUser serves PUT /auth/v1/admin/users/{id}. As in GoTrue,
// user_metadata and app_metadata are merged into what the user has (a null
// value removes a key), email_confirm confirms the email and only false
// leaves it as it is; display_name and avatar_url also update the profile.
// Bans are not supported: ban_duration may only be "none".
func (s *Service) AdminUpdateUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := adminTarget(r)
	if err != nil {
		return err
	}
	var req adminUserRequest
	if err := httpx.DecodeJSON(w, r, 0, &req); err != nil {
		return err
	}
	profile, err := s.checkAdminUser(&req, false)
	if err != nil {
		return err
	}
	p := s.db.Dialect.Placeholder
	var u *user
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.adminUserBy(ctx, tx, id)
		if err != nil {
			return err
		}
		if req.Password != nil {
			if err := s.setPassword(ctx, tx, id, *req.Password); err != nil {
				return err
			}
		}
		if req.Email != "" && req.Email != cur.Email {
			if err := s.setEmail(ctx, tx, id, req.Email); err != nil {
				return err
			}
		}
		if req.EmailConfirm && !cur.EmailConfirmedAt.Valid {
			if _, err := tx.ExecContext(ctx, "UPDATE auth_users SET email_confirmed_at = "+p(1)+" WHERE id = "+p(2), db.FormatTime(s.now()), id); err != nil {
				return err
			}
		}
		if req.UserMetadata != nil {
			if err := s.updateUserMetadata(ctx, tx, cur, "user_metadata", req.UserMetadata, profile); err != nil {
				return err
			}
		}
		if req.AppMetadata != nil {
			meta := mergeMetadata(cur.AppMetadata, req.AppMetadata)
			if err := checkMetadata("app_metadata", meta); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE auth_users SET raw_app_meta_data = "+p(1)+" WHERE id = "+p(2), db.JSONObject(meta), id); err != nil {
				return err
			}
		}
		u, err = s.userBy(ctx, tx, "id", id)
		return err
	})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, userJSON(u))
}

// AdminDeleteUser serves DELETE /auth/v1/admin/users/{id} and answers {}.
// The user's rows go with it (ON DELETE CASCADE). should_soft_delete is
// accepted but the delete is always hard.
func (s *Service) AdminDeleteUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := adminTarget(r)
	if err != nil {
		return err
	}
	var req struct {
		ShouldSoftDelete bool `json:"should_soft_delete"`
	}
	if err := decodeOptionalJSON(w, r, &req); err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, "DELETE FROM auth_users WHERE id = "+s.db.Dialect.Placeholder(1), id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errNoSuchUser
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{})
}
