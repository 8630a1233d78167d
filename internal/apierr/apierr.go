// Package apierr defines the error envelope every Tunebase surface answers
// with and the single function that writes it.
//
// A handler returns an *Error (built with New or one of the helpers) to send
// a client-facing error. Any other error is treated as internal: the client
// gets a generic 500 carrying the request id, and the cause goes to the log.
package apierr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
)

// Error is an error meant for a client. Status, Code, Message, Details and
// Hint are sent; the wrapped cause is kept for the logs only.
type Error struct {
	Status  int
	Code    Code
	Message string
	Details any
	Hint    any
	// Header holds extra response headers, such as Retry-After.
	Header http.Header
	// Extra holds further top-level body fields a client reads, such as
	// GoTrue's weak_password.
	Extra map[string]any

	cause error
}

// New returns an Error with the given status, code and message.
func New(status int, code Code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}

// Newf is New with a formatted message.
func Newf(status int, code Code, format string, args ...any) *Error {
	return New(status, code, fmt.Sprintf(format, args...))
}

// Error implements error. It includes the cause, for logs.
func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("apierr: %s: %s: %v", e.Code, e.Message, e.cause)
	}
	return fmt.Sprintf("apierr: %s: %s", e.Code, e.Message)
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.cause }

// WithDetails returns a copy of e with Details set.
func (e *Error) WithDetails(details any) *Error {
	c := *e
	c.Details = details
	return &c
}

// WithHint returns a copy of e with Hint set.
func (e *Error) WithHint(hint any) *Error {
	c := *e
	c.Hint = hint
	return &c
}

// WithCause returns a copy of e that keeps cause for the logs.
func (e *Error) WithCause(cause error) *Error {
	c := *e
	c.cause = cause
	return &c
}

// WithHeader returns a copy of e that sets a response header.
func (e *Error) WithHeader(key, value string) *Error {
	c := *e
	c.Header = e.Header.Clone()
	if c.Header == nil {
		c.Header = http.Header{}
	}
	c.Header.Set(key, value)
	return &c
}

// WithExtra returns a copy of e with a further top-level body field.
func (e *Error) WithExtra(key string, value any) *Error {
	c := *e
	c.Extra = map[string]any{}
	for k, v := range e.Extra {
		c.Extra[k] = v
	}
	c.Extra[key] = value
	return &c
}

// Common constructors.

// BadRequest is a 400 with the given code.
func BadRequest(code Code, message string) *Error { return New(http.StatusBadRequest, code, message) }

// Unauthorized is a 401 with the given code.
func Unauthorized(code Code, message string) *Error {
	return New(http.StatusUnauthorized, code, message)
}

// ForbiddenError is a 403.
func ForbiddenError(message string) *Error { return New(http.StatusForbidden, Forbidden, message) }

// NotFoundError is a 404.
func NotFoundError(message string) *Error { return New(http.StatusNotFound, NotFound, message) }

// Style selects extra fields of the envelope for clients that read them.
type Style int

const (
	// StyleDefault writes {code, message, details, hint}.
	StyleDefault Style = iota
	// StyleGoTrue adds msg and error_code, which auth-js reads, and the
	// X-Supabase-Api-Version header that makes auth-js read code.
	StyleGoTrue
	// StyleStorage adds statusCode and error, which storage-js reads.
	StyleStorage
)

type styleKey struct{}

// WithStyle returns a context whose errors are written in style s.
func WithStyle(ctx context.Context, s Style) context.Context {
	return context.WithValue(ctx, styleKey{}, s)
}

func styleOf(ctx context.Context) Style {
	s, _ := ctx.Value(styleKey{}).(Style)
	return s
}

type requestIDKey struct{}

// WithRequestID returns a context carrying the request id, which 5xx bodies
// include so an operator can find the log line.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id stored in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// From converts any error to an *Error. Errors that are not *Error become a
// generic 500; context cancellation becomes a 504 request timeout.
func From(ctx context.Context, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	// A driver may report a cancelled statement its own way ("interrupted"):
	// the request's deadline says what happened.
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return New(http.StatusGatewayTimeout, RequestTimeout, "the request took too long and was cancelled").WithCause(err)
	}
	e = New(http.StatusInternalServerError, Internal, "internal server error").WithCause(err)
	if id := RequestID(ctx); id != "" {
		e.Details = map[string]string{"request_id": id}
	}
	return e
}

// Write writes err to w as the JSON envelope, logging internal causes.
func Write(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	e := From(ctx, err)
	if e.Status >= 500 {
		slog.ErrorContext(ctx, "request failed", "request_id", RequestID(ctx), "code", e.Code, "err", err)
	}
	body := map[string]any{
		"code":    e.Code,
		"message": e.Message,
		"details": e.Details,
		"hint":    e.Hint,
	}
	for k, v := range e.Extra {
		if _, taken := body[k]; !taken {
			body[k] = v
		}
	}
	h := w.Header()
	for k, vs := range e.Header {
		h[k] = vs
	}
	switch styleOf(ctx) {
	case StyleGoTrue:
		body["msg"] = e.Message
		body["error_code"] = e.Code
		h.Set("X-Supabase-Api-Version", "2024-01-01")
	case StyleStorage:
		body["statusCode"] = fmt.Sprint(e.Status)
		body["error"] = e.Code
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Del("Content-Length")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(body)
}
