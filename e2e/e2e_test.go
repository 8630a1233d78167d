// Package e2e runs the supabase-js test files (*.test.mjs) with node against
// a tunebase binary, once per database backend.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tunebase/internal/db/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }

func TestSupabaseJS(t *testing.T) {
	node, err := exec.LookPath("node")
	require.NoError(t, err, "the e2e suite needs Node.js 20+ (node) on PATH")
	ensureNodeModules(t)
	files, err := filepath.Glob("*.test.mjs")
	require.NoError(t, err)
	require.NotEmpty(t, files, "no *.test.mjs files in e2e/")

	bin := filepath.Join(t.TempDir(), "tunebase")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/tunebase").CombinedOutput()
	require.NoError(t, err, "go build:\n%s", out)

	for _, backend := range dbtest.Backends() {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			var url string
			if backend == dbtest.Postgres {
				url = dbtest.Options(t, backend).URL
			}
			dataDir := t.TempDir()
			srv := startServer(t, bin, dataDir, url)

			args := append([]string{"--test", "--test-reporter=spec"}, files...)
			cmd := exec.Command(node, args...)
			cmd.Env = append(os.Environ(),
				"TUNEBASE_URL="+srv.url,
				"TUNEBASE_ANON_KEY="+srv.anonKey,
				"TUNEBASE_SERVICE_ROLE_KEY="+srv.serviceKey,
				"TUNEBASE_BACKEND="+backend,
				"TUNEBASE_DATA_DIR="+dataDir,
			)
			pr, pw := io.Pipe()
			cmd.Stdout, cmd.Stderr = pw, pw
			done := make(chan struct{})
			go func() {
				defer close(done)
				sc := bufio.NewScanner(pr)
				sc.Buffer(make([]byte, 64*1024), 1024*1024)
				for sc.Scan() {
					t.Logf("[%s] %s", backend, sc.Text())
				}
				_, _ = io.Copy(io.Discard, pr)
			}()
			err := cmd.Run()
			pw.Close()
			<-done
			require.NoError(t, err, "node --test failed on %s", backend)
		})
	}
}

// ensureNodeModules runs npm ci when the dependencies are not installed.
func ensureNodeModules(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join("node_modules", "@supabase", "supabase-js")); err == nil {
		return
	}
	npm, err := exec.LookPath("npm")
	require.NoError(t, err, "e2e/node_modules is missing and npm is not on PATH")
	out, err := exec.Command(npm, "ci", "--no-audit", "--no-fund").CombinedOutput()
	require.NoError(t, err, "npm ci in e2e/ failed:\n%s", out)
}

type server struct {
	url, anonKey, serviceKey string
}

// lockedBuffer collects the server's stderr while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServer runs "tunebase serve" on a free port, reads the URL and keys
// it prints, and stops it with SIGTERM when t ends. Its stderr is logged
// only if t fails.
func startServer(t *testing.T, bin, dataDir, databaseURL string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", "--data-dir", dataDir, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+databaseURL,
		"TUNEBASE_JWT_SECRET=",
		"TUNEBASE_PUBLIC_URL=",
		"TUNEBASE_BCRYPT_COST=4",
		"TUNEBASE_SIGNIN_PER_IP=100000",
		"TUNEBASE_SIGNIN_PER_EMAIL=1000",
	)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())

	t.Cleanup(func() {
		defer cancel()
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Errorf("signal tunebase: %v", err)
		}
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		select {
		case err := <-waited:
			if err != nil {
				t.Errorf("tunebase serve did not exit cleanly: %v", err)
			}
		case <-time.After(30 * time.Second):
			cancel() // kills the process
			t.Errorf("tunebase serve did not stop within 30s of SIGTERM")
			<-waited
		}
		if t.Failed() {
			t.Logf("tunebase serve stderr:\n%s", stderr)
		}
	})

	// Scan until both keys are printed; kill the server if that takes too long.
	slow := time.AfterFunc(time.Minute, cancel)
	s := &server{}
	sc := bufio.NewScanner(stdout)
	for (s.anonKey == "" || s.serviceKey == "") && sc.Scan() {
		label, value, _ := strings.Cut(sc.Text(), ":")
		switch value = strings.TrimSpace(value); label {
		case "API URL":
			s.url = value
		case "anon key":
			s.anonKey = value
		case "service_role key":
			s.serviceKey = value
		}
	}
	require.True(t, slow.Stop(), "tunebase serve printed no keys within a minute")
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	require.NotEmpty(t, s.anonKey, "tunebase serve exited before printing its keys")
	require.NotEmpty(t, s.serviceKey, "tunebase serve exited before printing its keys")
	require.True(t, strings.HasPrefix(s.url, "http://"), "serve printed its API URL, got %q", s.url)
	return s
}
