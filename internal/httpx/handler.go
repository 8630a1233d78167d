// Package httpx holds the HTTP plumbing every surface shares: the
// error-returning handler adapter, JSON in and out, and the middleware
// (request id, access log, panic recovery, CORS).
package httpx

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"tunebase/internal/apierr"
)

// HandlerFunc is a handler that returns its error instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handle adapts fn to http.Handler: a returned error is written with
// apierr.Write unless the handler already began its response.
func Handle(fn HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			if rw, ok := w.(*responseWriter); ok && rw.wroteHeader {
				logFrom(r.Context()).ErrorContext(r.Context(), "error after response began", "err", err)
				return
			}
			apierr.Write(w, r, err)
		}
	})
}

// WriteJSON writes v as JSON with the given status (and Content-Type
// application/json unless the handler set another).
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// DefaultBodyLimit is the largest JSON body DecodeJSON reads (SPEC: 10 MB).
const DefaultBodyLimit = 10 << 20

// DecodeJSON reads a JSON body of at most limit bytes into dst. It answers
// malformed JSON, a wrong content type and an oversized body with a 4xx
// *apierr.Error. Unknown fields are allowed, as supabase-js sends extras.
// A body sent as form data (curl -d without a Content-Type) is read as
// JSON too, and refused if it is not.
func DecodeJSON(w http.ResponseWriter, r *http.Request, limit int64, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		// curl -d sends application/x-www-form-urlencoded by default; a JSON
		// body under that type is read as JSON.
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json") && mt != "text/plain" &&
			mt != "application/x-www-form-urlencoded") {
			return apierr.New(http.StatusUnsupportedMediaType, apierr.ValidationInvalidFormat, "the body must be JSON (Content-Type: application/json)")
		}
	}
	if limit <= 0 {
		limit = DefaultBodyLimit
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(body)
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return apierr.Newf(http.StatusRequestEntityTooLarge, apierr.RequestTooLarge, "the request body is larger than %d bytes", limit)
		case errors.Is(err, io.EOF):
			return apierr.BadRequest(apierr.ValidationInvalidFormat, "the request body is empty; a JSON value is required")
		default:
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) && typeErr.Field != "" {
				return apierr.Newf(http.StatusBadRequest, apierr.ValidationInvalidFormat, "field %q has the wrong type (want %s)", typeErr.Field, typeErr.Type)
			}
			return apierr.BadRequest(apierr.ValidationInvalidFormat, "the request body is not valid JSON")
		}
	}
	if dec.More() {
		return apierr.BadRequest(apierr.ValidationInvalidFormat, "the request body holds more than one JSON value")
	}
	return nil
}
