package auth

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"tunebase/internal/principal"
)

// identityNamespace derives stable identity ids from user ids.
var identityNamespace = uuid.MustParse("3a1f6a52-1c55-4a0e-9d43-6f1e1b7a2c11")

// userJSON renders u as GoTrue's User object.
func userJSON(u *user) map[string]any {
	created := u.CreatedAt.Format(time.RFC3339Nano)
	updated := u.UpdatedAt.Format(time.RFC3339Nano)
	ts := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return t.Format(time.RFC3339Nano)
	}
	confirmed := ts(u.EmailConfirmedAt.Ptr())
	identityID := uuid.NewSHA1(identityNamespace, []byte(u.ID)).String()
	return map[string]any{
		"id":                 u.ID,
		"aud":                "authenticated",
		"role":               principal.RoleAuthenticated,
		"email":              u.Email,
		"email_confirmed_at": confirmed,
		"confirmed_at":       confirmed,
		"phone":              "",
		"last_sign_in_at":    ts(u.LastSignInAt.Ptr()),
		"app_metadata":       appMetadata(u),
		"user_metadata":      userMetadata(u),
		"identities": []map[string]any{{
			"identity_id":     identityID,
			"id":              u.ID,
			"user_id":         u.ID,
			"identity_data":   map[string]any{"email": u.Email, "sub": u.ID, "email_verified": confirmed != nil, "phone_verified": false},
			"provider":        "email",
			"last_sign_in_at": ts(u.LastSignInAt.Ptr()),
			"created_at":      created,
			"updated_at":      updated,
			"email":           u.Email,
		}},
		"factors":      []any{},
		"created_at":   created,
		"updated_at":   updated,
		"is_anonymous": false,
	}
}

func appMetadata(u *user) map[string]any {
	m := map[string]any{"provider": "email", "providers": []string{"email"}}
	for k, v := range u.AppMetadata {
		m[k] = v
	}
	return m
}

func userMetadata(u *user) map[string]any {
	m := map[string]any{}
	for k, v := range u.UserMetadata {
		m[k] = v
	}
	return m
}

// sessionJSON signs an access token for u in session sessionID and renders
// the session as GoTrue does (the user included, which supabase-js stores).
func (s *Service) sessionJSON(u *user, sessionID, refresh string, method string) (map[string]any, error) {
	now := s.now()
	exp := now.Add(s.cfg.AccessTokenTTL)
	token, err := s.keys.Sign(principal.Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   u.ID,
			Audience:  jwt.ClaimStrings{"authenticated"},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
		Role:         principal.RoleAuthenticated,
		Email:        u.Email,
		SessionID:    sessionID,
		AAL:          "aal1",
		AMR:          []principal.AMREntry{{Method: method, Timestamp: now.Unix()}},
		AppMetadata:  appMetadata(u),
		UserMetadata: userMetadata(u),
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"access_token":  token,
		"token_type":    "bearer",
		"expires_in":    int64(s.cfg.AccessTokenTTL / time.Second),
		"expires_at":    exp.Unix(),
		"refresh_token": refresh,
		"user":          userJSON(u),
	}, nil
}
