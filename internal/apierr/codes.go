package apierr

// Code is a machine-readable error code as it appears in the "code" field of
// every error body. The catalogue holds the codes of the API document plus the
// PostgREST and GoTrue codes that the supabase-js client reads.
type Code string

// Codes of the API document.
const (
	AuthUserNotFound       Code = "AUTH_USER_NOT_FOUND"
	AuthInvalidCredentials Code = "AUTH_INVALID_CREDENTIALS"
	AuthTokenExpired       Code = "AUTH_TOKEN_EXPIRED"

	ValidationRequiredField Code = "VALIDATION_REQUIRED_FIELD"
	ValidationInvalidFormat Code = "VALIDATION_INVALID_FORMAT"
	ValidationValueTooLong  Code = "VALIDATION_VALUE_TOO_LONG"

	AIServiceUnavailable Code = "AI_SERVICE_UNAVAILABLE"
	AIGenerationFailed   Code = "AI_GENERATION_FAILED"
	AIQuotaExceeded      Code = "AI_QUOTA_EXCEEDED"

	FileTooLarge         Code = "FILE_TOO_LARGE"
	FileInvalidFormat    Code = "FILE_INVALID_FORMAT"
	StorageQuotaExceeded Code = "STORAGE_QUOTA_EXCEEDED"
)

// Codes of our own, for conditions the API document does not name.
const (
	AuthInvalidToken Code = "AUTH_INVALID_TOKEN"
	AuthMissingKey   Code = "AUTH_MISSING_APIKEY"
	Forbidden        Code = "FORBIDDEN"
	NotFound         Code = "NOT_FOUND"
	MethodNotAllowed Code = "METHOD_NOT_ALLOWED"
	Conflict         Code = "CONFLICT"
	RateLimited      Code = "RATE_LIMIT_EXCEEDED"
	RequestTooLarge  Code = "REQUEST_TOO_LARGE"
	RequestTimeout   Code = "REQUEST_TIMEOUT"
	Internal         Code = "INTERNAL_ERROR"
	Unavailable      Code = "SERVICE_UNAVAILABLE"
)

// GoTrue codes that auth-js maps to typed errors (auth-js lib/error-codes.ts).
const (
	GoTrueUserAlreadyExists      Code = "user_already_exists"
	GoTrueEmailExists            Code = "email_exists"
	GoTrueWeakPassword           Code = "weak_password"
	GoTrueValidationFailed       Code = "validation_failed"
	GoTrueSessionNotFound        Code = "session_not_found"
	GoTrueRefreshTokenNotFound   Code = "refresh_token_not_found"
	GoTrueRefreshTokenReused     Code = "refresh_token_already_used"
	GoTrueEmailNotConfirmed      Code = "email_not_confirmed"
	GoTrueOverRequestRateLimit   Code = "over_request_rate_limit"
	GoTrueUnsupportedGrantType   Code = "unsupported_grant_type"
	GoTrueBadJSON                Code = "bad_json"
	GoTrueSignupDisabled         Code = "signup_disabled"
	GoTrueSamePassword           Code = "same_password"
	GoTrueReauthenticationNeeded Code = "reauthentication_needed"
	GoTrueNotAdmin               Code = "not_admin"
	GoTrueUserNotFound           Code = "user_not_found"
	GoTruePhoneProviderDisabled  Code = "phone_provider_disabled"
)

// PostgREST codes that postgrest-js users rely on.
const (
	PGRSTSingularity      Code = "PGRST116" // .single() with 0 or 2+ rows
	PGRSTUnknownColumn    Code = "PGRST204" // column not found in the schema cache
	PGRSTUnknownRelation  Code = "PGRST205" // table not found in the schema cache
	PGRSTUnknownEmbed     Code = "PGRST200" // no relationship for an embed
	PGRSTParse            Code = "PGRST100" // bad query string
	PGRSTInvalidBody      Code = "PGRST102" // bad request body
	PGRSTInvalidRange     Code = "PGRST103" // bad Range / offset
	PGRSTUnknownFunction  Code = "PGRST202" // RPC function not found
	PGRSTUniqueViolation  Code = "23505"
	PGRSTForeignKey       Code = "23503"
	PGRSTCheckViolation   Code = "23514"
	PGRSTNotNullViolation Code = "23502"
	PGRSTRowRule          Code = "42501" // insufficient privilege / row rule
)
