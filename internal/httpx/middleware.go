package httpx

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"tunebase/internal/apierr"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain applies mws so that the first is the outermost.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// responseWriter records the status and size of a response.
type responseWriter struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (w *responseWriter) WriteHeader(status int) {
	if !w.wroteHeader {
		w.status = status
		w.wroteHeader = true
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush implements http.Flusher.
func (w *responseWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack implements http.Hijacker, for websocket upgrades.
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("httpx: response writer cannot be hijacked")
	}
	w.status, w.wroteHeader = http.StatusSwitchingProtocols, true
	return h.Hijack()
}

// requestInfo collects what inner layers learn about a request (such as the
// caller's role) for the access log line.
type requestInfo struct {
	mu     sync.Mutex
	attrs  []slog.Attr
	logger *slog.Logger
}

type infoKey struct{}

// Annotate adds an attribute to the request's access log line.
func Annotate(ctx context.Context, key string, value any) {
	if info, ok := ctx.Value(infoKey{}).(*requestInfo); ok {
		info.mu.Lock()
		info.attrs = append(info.attrs, slog.Any(key, value))
		info.mu.Unlock()
	}
}

func logFrom(ctx context.Context) *slog.Logger {
	if info, ok := ctx.Value(infoKey{}).(*requestInfo); ok && info.logger != nil {
		return info.logger
	}
	return slog.Default()
}

// Logger returns the request-scoped logger (with the request id).
func Logger(ctx context.Context) *slog.Logger { return logFrom(ctx) }

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RequestID gives every request an id (kept from a sane X-Request-Id
// header, else generated), echoes it in the response and stores it for
// error bodies and logs.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool { return c < '!' || c > '~' }) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(apierr.WithRequestID(r.Context(), id)))
	})
}

// AccessLog writes one line per request: method, path, status, bytes,
// duration, and whatever inner layers annotated (the role).
func AccessLog(logger *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			info := &requestInfo{logger: logger.With("request_id", apierr.RequestID(r.Context()))}
			rw := &responseWriter{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", rw.status),
				slog.Int64("bytes", rw.bytes),
				slog.Duration("duration", time.Since(start)),
			}
			info.mu.Lock()
			attrs = append(attrs, info.attrs...)
			info.mu.Unlock()
			level := slog.LevelInfo
			if rw.status >= 500 {
				level = slog.LevelError
			}
			info.logger.LogAttrs(r.Context(), level, "request", attrs...)
		})
	}
}

// Recover turns a panic into a 500 envelope (when nothing was written yet)
// and logs the stack.
func Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			logFrom(r.Context()).ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rw, ok := w.(*responseWriter); ok && rw.wroteHeader {
				return
			}
			apierr.Write(w, r, fmt.Errorf("httpx: panic: %v", v))
		}()
		next.ServeHTTP(w, r)
	})
}

// CORS headers: what supabase-js sends and what it must be able to read.
var (
	corsAllowHeaders = "apikey, authorization, x-client-info, content-type, prefer, range, accept-profile, " +
		"content-profile, x-upsert, x-supabase-api-version, x-retry-count, x-region, cache-control, " +
		"x-metadata, content-encoding, accept, x-request-id"
	corsExposeHeaders = "Content-Range, Content-Location, Location, Retry-After, X-RateLimit-Limit, " +
		"X-RateLimit-Remaining, X-RateLimit-Reset, X-Supabase-Api-Version, X-Request-Id, Preference-Applied, X-Total-Count, Link"
	corsMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
)

// CORS lets supabase-js run in a browser on any origin: it answers
// preflights itself (before any apikey check) and marks every response.
// No cookies are used, so no credentials are allowed.
func CORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		h.Add("Vary", "Origin")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			allow := corsAllowHeaders
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				allow += ", " + req
			}
			h.Set("Access-Control-Allow-Methods", corsMethods)
			h.Set("Access-Control-Allow-Headers", allow)
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ErrorStyle makes errors under it carry the extra fields of style s (see
// [apierr.Style]), for surfaces whose clients read them.
func ErrorStyle(s apierr.Style) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(apierr.WithStyle(r.Context(), s)))
		})
	}
}

// Timeout bounds a request's work: its context is cancelled after d, which
// stops its database statements; a handler that then fails answers 504.
func Timeout(d time.Duration) Middleware {
	return func(next http.Handler) http.Handler {
		if d <= 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
