// Package apptest runs a whole Tunebase in-process on a random port, on a
// fresh database of the chosen backend, for HTTP-level tests.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tunebase/internal/app"
	"tunebase/internal/config"
	"tunebase/internal/db/dbtest"
)

// Server is a running Tunebase.
type Server struct {
	URL            string
	App            *app.App
	AnonKey        string
	ServiceRoleKey string
}

// Start starts a server on backend; modify, if not nil, adjusts the
// configuration first. The server stops when t ends.
func Start(t testing.TB, backend string, modify func(*config.Config)) *Server {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Auth.BcryptCost = 4 // fast tests; the default is checked in config tests
	if opts := dbtest.Options(t, backend); opts.URL != "" {
		cfg.DatabaseURL = opts.URL
	}
	if modify != nil {
		modify(&cfg)
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.New(context.Background(), cfg, logger)
	if err != nil {
		t.Fatalf("apptest: start: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return &Server{URL: srv.URL, App: a, AnonKey: a.Keys.AnonKey(), ServiceRoleKey: a.Keys.ServiceRoleKey()}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Response is a finished response with its body read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic value.
func (r Response) JSON(t testing.TB) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("apptest: body is not JSON: %v: %s", err, r.Body)
	}
	return v
}

// Object decodes the body as a JSON object.
func (r Response) Object(t testing.TB) map[string]any {
	t.Helper()
	m, ok := r.JSON(t).(map[string]any)
	if !ok {
		t.Fatalf("apptest: body is not a JSON object: %s", r.Body)
	}
	return m
}

// Do sends a request. body may be nil, a string, []byte, or a value to
// encode as JSON. headers are name/value pairs.
func (s *Server) Do(t testing.TB, method, path string, body any, headers ...string) Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("apptest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}
