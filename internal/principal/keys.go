// Package principal turns the apikey and Authorization headers of a request
// into the caller's identity: a role (anon, authenticated, service_role) and,
// for a signed-in user, the user and session ids. It also signs the tokens
// Tunebase hands out, with the project's HS256 secret.
package principal

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func init() {
	// GoTrue writes a single audience as a string ("aud":"authenticated"),
	// which code decoding the token may compare; golang-jwt's default is an
	// array.
	jwt.MarshalSingleStringAsArray = false
}

// Roles.
const (
	RoleAnon          = "anon"
	RoleAuthenticated = "authenticated"
	RoleServiceRole   = "service_role"
)

// Issuer is the iss claim of every token Tunebase signs.
const Issuer = "tunebase"

// Errors of Verify.
var (
	ErrExpired = errors.New("principal: token has expired")
	ErrInvalid = errors.New("principal: token is invalid")
)

// Claims are the JWT claims Tunebase reads and writes; they follow GoTrue's.
type Claims struct {
	jwt.RegisteredClaims
	Role         string         `json:"role"`
	Email        string         `json:"email,omitempty"`
	Phone        string         `json:"phone,omitempty"`
	SessionID    string         `json:"session_id,omitempty"`
	AAL          string         `json:"aal,omitempty"`
	AMR          []AMREntry     `json:"amr,omitempty"`
	AppMetadata  map[string]any `json:"app_metadata,omitempty"`
	UserMetadata map[string]any `json:"user_metadata,omitempty"`
	IsAnonymous  bool           `json:"is_anonymous"`
}

// AMREntry is one authentication method reference.
type AMREntry struct {
	Method    string `json:"method"`
	Timestamp int64  `json:"timestamp"`
}

// Keys signs and verifies tokens with one HS256 secret.
type Keys struct {
	secret []byte

	// projectKeys caches the verified claims of the few long-lived project
	// keys (anon, service_role) sent as apikey on every request.
	mu          sync.Mutex
	projectKeys map[string]*Claims
}

// NewKeys returns Keys for secret, which must be at least 32 bytes.
func NewKeys(secret string) (*Keys, error) {
	if len(secret) < 32 {
		return nil, errors.New("principal: the JWT secret must be at least 32 bytes")
	}
	return &Keys{secret: []byte(secret)}, nil
}

// Sign returns the HS256 JWT of claims.
func (k *Keys) Sign(c Claims) (string, error) {
	if c.Issuer == "" {
		c.Issuer = Issuer
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(k.secret)
	if err != nil {
		return "", fmt.Errorf("principal: sign: %w", err)
	}
	return tok, nil
}

// Verify checks the signature (HS256 only, so "alg: none" and key confusion
// are refused) and the expiry of token and returns its claims.
func (k *Keys) Verify(token string) (*Claims, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return k.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(5*time.Second),
	)
	switch {
	case err == nil:
		return &c, nil
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, ErrExpired
	default:
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
}

// VerifyProjectKey is Verify for apikey values, with the result of valid
// anon and service_role keys cached: the same few keys come with every
// request.
func (k *Keys) VerifyProjectKey(token string) (*Claims, error) {
	k.mu.Lock()
	c, ok := k.projectKeys[token]
	k.mu.Unlock()
	if ok && (c.ExpiresAt == nil || time.Now().Before(c.ExpiresAt.Time)) {
		return c, nil
	}
	c, err := k.Verify(token)
	if err != nil {
		return nil, err
	}
	if c.Role == RoleAnon || c.Role == RoleServiceRole {
		k.mu.Lock()
		if k.projectKeys == nil || len(k.projectKeys) >= 64 {
			k.projectKeys = map[string]*Claims{}
		}
		k.projectKeys[token] = c
		k.mu.Unlock()
	}
	return c, nil
}

// The project keys have fixed issue and expiry dates so that the same
// secret always yields the same keys, whether or not a server runs.
var (
	projectKeyIssuedAt  = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	projectKeyExpiresAt = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

func (k *Keys) projectKey(role string) string {
	tok, err := k.Sign(Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			IssuedAt:  jwt.NewNumericDate(projectKeyIssuedAt),
			ExpiresAt: jwt.NewNumericDate(projectKeyExpiresAt),
		},
		Role: role,
	})
	if err != nil {
		panic(err) // HS256 signing of a fixed claim set cannot fail
	}
	return tok
}

// AnonKey is the public key a frontend passes to createClient.
func (k *Keys) AnonKey() string { return k.projectKey(RoleAnon) }

// ServiceRoleKey is the secret key that bypasses row rules.
func (k *Keys) ServiceRoleKey() string { return k.projectKey(RoleServiceRole) }

// SecretFile is the name of the generated secret inside the data dir.
const SecretFile = "jwt_secret"

// LoadSecret returns fromEnv when set; otherwise the secret kept in
// dataDir, generating it (mode 0600) at first use.
func LoadSecret(dataDir, fromEnv string) (string, error) {
	if fromEnv != "" {
		return fromEnv, nil
	}
	path := filepath.Join(dataDir, SecretFile)
	b, err := os.ReadFile(path)
	if err == nil {
		s := strings.TrimSpace(string(b))
		if len(s) < 32 {
			return "", fmt.Errorf("principal: %s holds a secret shorter than 32 bytes", SecretFile)
		}
		return s, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("principal: read secret: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", fmt.Errorf("principal: create data dir: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	s := hex.EncodeToString(raw)
	// Write a temp file, then hard-link it into place: when two processes
	// start at once, exactly one secret wins and both read it complete.
	tmp, err := os.CreateTemp(dataDir, SecretFile+".tmp*")
	if err != nil {
		return "", fmt.Errorf("principal: write secret: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", fmt.Errorf("principal: write secret: %w", err)
	}
	if _, err := tmp.WriteString(s + "\n"); err != nil {
		tmp.Close()
		return "", fmt.Errorf("principal: write secret: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("principal: write secret: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return LoadSecret(dataDir, "")
		}
		return "", fmt.Errorf("principal: write secret: %w", err)
	}
	return s, nil
}
