package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tunebase/internal/config"
)

func startForShutdown(t *testing.T, grace time.Duration, handler http.Handler) (addr string, cancel context.CancelFunc, done chan error) {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.ShutdownTimeout = grace
	a, err := New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { a.Close() })
	a.handler = handler
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done = make(chan error, 1)
	go func() { done <- a.Serve(ctx, l) }()
	return l.Addr().String(), cancel, done
}

func TestShutdownLetsInFlightRequestsFinish(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	addr, cancel, done := startForShutdown(t, 5*time.Second, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "finished")
	}))
	type result struct {
		body string
		err  error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		res <- result{string(b), err}
	}()
	<-started
	cancel()
	r := <-res
	require.NoError(t, r.err)
	require.Equal(t, "finished", r.body)
	require.NoError(t, <-done)

	_, err := net.DialTimeout("tcp", addr, time.Second)
	require.Error(t, err, "no new connections after shutdown")
}

func TestShutdownIsBounded(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	addr, cancel, done := startForShutdown(t, 200*time.Millisecond, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	go func() {
		resp, err := http.Get("http://" + addr + "/stuck")
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	begin := time.Now()
	cancel()
	select {
	case err := <-done:
		require.Error(t, err, "a request cut off is reported")
		require.Less(t, time.Since(begin), 5*time.Second)
	case <-time.After(10 * time.Second):
		t.Fatal("shutdown did not return")
	}
}
