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
