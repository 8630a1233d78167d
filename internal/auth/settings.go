package auth

import (
	"net/http"

	"tunebase/internal/httpx"
)

// Settings serves GET /auth/v1/settings as GoTrue does: which providers are
// on and whether sign-up confirms itself.
func (s *Service) Settings(w http.ResponseWriter, r *http.Request) error {
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{
		"external":           map[string]bool{"email": true, "phone": false, "anonymous_users": false},
		"disable_signup":     false,
		"mailer_autoconfirm": !s.cfg.RequireEmailConfirmation,
		"phone_autoconfirm":  false,
		"sms_provider":       "",
		"saml_enabled":       false,
	})
}

// JWKS serves GET /auth/v1/.well-known/jwks.json. Tokens are signed with the
// project's HS256 secret, which is never published, so the set is empty;
// auth-js's getClaims verifies HS256 tokens by calling /auth/v1/user instead.
func (s *Service) JWKS(w http.ResponseWriter, r *http.Request) error {
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"keys": []any{}})
}
