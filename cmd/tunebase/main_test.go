package main_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// buildBinary builds the tunebase command into a temp dir.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tunebase")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

type started struct {
	cmd  *exec.Cmd
	url  string
	keys []string
}

// serve starts "tunebase serve" on a free port and reads the URL and keys it
// prints.
func serve(t *testing.T, bin, dataDir string) *started {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, bin, "serve", "--data-dir", dataDir, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "DATABASE_URL=", "TUNEBASE_JWT_SECRET=")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = io.Discard
	require.NoError(t, cmd.Start())
	s := &started{cmd: cmd}
	sc := bufio.NewScanner(stdout)
	for len(s.keys) < 2 && sc.Scan() {
		line := sc.Text()
		label, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch label {
		case "API URL":
			s.url = value
		case "anon key", "service_role key":
			s.keys = append(s.keys, value)
		}
	}
	go io.Copy(io.Discard, stdout)
	require.NotEmpty(t, s.url, "serve printed its URL")
	require.Len(t, s.keys, 2, "serve printed both keys")
	return s
}

func (s *started) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, s.cmd.Wait(), "serve exits cleanly on SIGTERM")
}

func TestServeTwiceOnOneDataDir(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	dir := t.TempDir()

	first := serve(t, bin, dir)
	resp, err := http.Get(first.url + "/health")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.JSONEq(t, `{"status":"ok"}`, string(body))
	first.stop(t)

	second := serve(t, bin, dir)
	require.Equal(t, first.keys, second.keys, "a second start prints the same keys")
	second.stop(t)

	out, err := exec.Command(bin, "keys", "--data-dir", dir).Output()
	require.NoError(t, err)
	require.Equal(t, "ANON_KEY="+first.keys[0]+"\nSERVICE_ROLE_KEY="+first.keys[1]+"\n", string(out))
}
