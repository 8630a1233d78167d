package auth

import (
	"net/http"

	"tunebase/internal/apierr"
	"tunebase/internal/principal"
)

// Logout serves POST /auth/v1/logout?scope=global|local|others: it ends the
// user's sessions (all, this one, or all but this one), which revokes their
// refresh tokens at once. Access tokens already issued run until they expire,
// except on /auth/v1/user, which checks the session.
func (s *Service) Logout(w http.ResponseWriter, r *http.Request) error {
	pr := principal.From(r.Context())
	if !pr.IsUser() {
		return errNeedsUser
	}
	p := s.db.Dialect.Placeholder
	q := "DELETE FROM auth_sessions WHERE user_id = " + p(1)
	args := []any{pr.UserID}
	switch scope := r.URL.Query().Get("scope"); scope {
	case "", "global":
	case "local":
		if pr.SessionID != "" {
			q += " AND id = " + p(2)
			args = append(args, pr.SessionID)
		}
	case "others":
		if pr.SessionID != "" {
			q += " AND id <> " + p(2)
			args = append(args, pr.SessionID)
		}
	default:
		return apierr.Newf(http.StatusBadRequest, apierr.ValidationInvalidFormat, "scope %q is not global, local or others", scope)
	}
	if _, err := s.db.ExecContext(r.Context(), q, args...); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
