package auth

import (
	"fmt"
	"net/http"
	"time"

	"tunebase/internal/apierr"
)

// The errors of this surface. Messages follow GoTrue's, which users of
// supabase-js already match on.
var (
	errInvalidCredentials = apierr.New(http.StatusBadRequest, apierr.AuthInvalidCredentials, "Invalid login credentials")
	errUserExists         = apierr.New(http.StatusUnprocessableEntity, apierr.GoTrueUserAlreadyExists, "User already registered")
	errEmailExists        = apierr.New(http.StatusUnprocessableEntity, apierr.GoTrueEmailExists, "A user with this email address has already been registered")
	errRefreshNotFound    = apierr.New(http.StatusBadRequest, apierr.GoTrueRefreshTokenNotFound, "Invalid Refresh Token: Refresh Token Not Found")
	errRefreshReused      = apierr.New(http.StatusBadRequest, apierr.GoTrueRefreshTokenReused, "Invalid Refresh Token: Already Used")
	errSessionNotFound    = apierr.New(http.StatusForbidden, apierr.GoTrueSessionNotFound, "Session from session_id claim in JWT does not exist")
	errUserNotFound       = apierr.New(http.StatusNotFound, apierr.AuthUserNotFound, "User from sub claim in JWT does not exist")
	errNeedsUser          = apierr.New(http.StatusUnauthorized, apierr.AuthInvalidToken, "This endpoint requires a Bearer token of a signed-in user")
	errEmailNotConfirmed  = apierr.New(http.StatusBadRequest, apierr.GoTrueEmailNotConfirmed, "Email not confirmed")
	errSamePassword       = apierr.New(http.StatusUnprocessableEntity, apierr.GoTrueSamePassword, "New password should be different from the old password.")
	errNotAdmin           = apierr.New(http.StatusForbidden, apierr.GoTrueNotAdmin, "User not allowed")
	errNoSuchUser         = apierr.New(http.StatusNotFound, apierr.GoTrueUserNotFound, "User not found")
	errPhoneDisabled      = apierr.New(http.StatusUnprocessableEntity, apierr.GoTruePhoneProviderDisabled, "Phone logins are disabled")
	errBanUnsupported     = apierr.New(http.StatusBadRequest, apierr.GoTrueValidationFailed, `ban_duration is not supported; only "none" is accepted`)
)

func requiredField(name string) *apierr.Error {
	return apierr.Newf(http.StatusBadRequest, apierr.ValidationRequiredField, "%s is required", name).
		WithDetails(map[string]string{"field": name})
}

func invalidField(name, why string) *apierr.Error {
	return apierr.Newf(http.StatusBadRequest, apierr.ValidationInvalidFormat, "%s: %s", name, why).
		WithDetails(map[string]string{"field": name})
}

func tooLong(name string, max int) *apierr.Error {
	return apierr.Newf(http.StatusBadRequest, apierr.ValidationValueTooLong, "%s must be at most %d characters", name, max).
		WithDetails(map[string]any{"field": name, "max_length": max})
}

func weakPassword(min int) *apierr.Error {
	msg := fmt.Sprintf("Password should be at least %d characters.", min)
	return apierr.New(http.StatusUnprocessableEntity, apierr.GoTrueWeakPassword, msg).
		WithExtra("weak_password", map[string]any{"reasons": []string{"length"}, "message": msg})
}

func rateLimited(retry time.Duration) *apierr.Error {
	secs := int(retry/time.Second) + 1
	return apierr.New(http.StatusTooManyRequests, apierr.GoTrueOverRequestRateLimit, "Too many sign-in attempts; try again later").
		WithHeader("Retry-After", fmt.Sprint(secs)).
		WithDetails(map[string]int{"retry_after_seconds": secs})
}
