package principal

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"tunebase/internal/apierr"
	"tunebase/internal/httpx"
)

// Principal is who makes a request.
type Principal struct {
	// Role is RoleAnon, RoleAuthenticated or RoleServiceRole.
	Role string
	// UserID is the signed-in user (sub), empty for anon and service_role keys.
	UserID string
	// SessionID is the auth session of the access token, if any.
	SessionID string
	// Token is the bearer token the principal came from.
	Token string
	// Claims are the verified claims.
	Claims *Claims
}

// IsService reports whether p bypasses row rules.
func (p Principal) IsService() bool { return p.Role == RoleServiceRole }

// IsUser reports whether p is a signed-in user.
func (p Principal) IsUser() bool { return p.Role == RoleAuthenticated && p.UserID != "" }

type ctxKey struct{}

// With returns ctx carrying p.
func With(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From returns the principal of ctx; a request that passed Middleware
// always has one. Without one it is anon.
func From(ctx context.Context) Principal {
	p, ok := ctx.Value(ctxKey{}).(Principal)
	if !ok {
		return Principal{Role: RoleAnon}
	}
	return p
}

// Resolve verifies the project key and, if present and different, the
// bearer token, and returns the principal they name.
func (k *Keys) Resolve(apikey, bearer string) (Principal, error) {
	if apikey == "" {
		return Principal{}, apierr.Unauthorized(apierr.AuthMissingKey, "No API key found in request").
			WithHint("No `apikey` request header or url param was found.")
	}
	keyClaims, err := k.VerifyProjectKey(apikey)
	if err != nil {
		return Principal{}, tokenError(err, "Invalid API key")
	}
	if keyClaims.Role != RoleAnon && keyClaims.Role != RoleServiceRole {
		return Principal{}, apierr.Unauthorized(apierr.AuthInvalidToken, "Invalid API key").
			WithHint("The apikey must be the anon or the service_role key.")
	}
	token, claims := apikey, keyClaims
	if bearer != "" && bearer != apikey {
		claims, err = k.VerifyProjectKey(bearer)
		if err != nil {
			return Principal{}, tokenError(err, "Invalid JWT")
		}
		token = bearer
	}
	p := Principal{Role: claims.Role, Token: token, Claims: claims, SessionID: claims.SessionID}
	switch claims.Role {
	case RoleAnon, RoleServiceRole:
	case RoleAuthenticated:
		if _, err := uuid.Parse(claims.Subject); err != nil {
			return Principal{}, apierr.Unauthorized(apierr.AuthInvalidToken, "Invalid JWT: the sub claim is not a user id")
		}
		p.UserID = claims.Subject
	default:
		return Principal{}, apierr.Unauthorized(apierr.AuthInvalidToken, "Invalid JWT: unknown role")
	}
	return p, nil
}

func tokenError(err error, what string) error {
	if errors.Is(err, ErrExpired) {
		return apierr.Unauthorized(apierr.AuthTokenExpired, "JWT expired").WithHint("Refresh the session to get a new access token.")
	}
	return apierr.Unauthorized(apierr.AuthInvalidToken, what+": the signature or format is not valid").WithCause(err)
}

// Bearer returns the token of an "Authorization: Bearer …" header.
func Bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// APIKey returns the project key of a request: the apikey header, or the
// apikey query parameter (used by the realtime websocket and signed links).
func APIKey(r *http.Request) string {
	if k := r.Header.Get("apikey"); k != "" {
		return k
	}
	return r.URL.Query().Get("apikey")
}

// Middleware resolves the principal of every request, refusing those
// without a valid key or token with 401.
func (k *Keys) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := k.Resolve(APIKey(r), Bearer(r))
		if err != nil {
			apierr.Write(w, r, err)
			return
		}
		httpx.Annotate(r.Context(), "role", p.Role)
		if p.UserID != "" {
			httpx.Annotate(r.Context(), "user_id", p.UserID)
		}
		next.ServeHTTP(w, r.WithContext(With(r.Context(), p)))
	})
}
