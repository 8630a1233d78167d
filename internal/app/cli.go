package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"tunebase/internal/config"
	"tunebase/internal/principal"
)

const usage = `Tunebase: the backend of the AI Music Platform, one binary speaking the
protocols of supabase-js (auth, REST, RPC, functions, realtime, storage).

Usage:
  tunebase <command> [flags]

Commands:
  serve     run the server (migrates first)
  keys      print ANON_KEY=… and SERVICE_ROLE_KEY=… for eval
  migrate   apply database migrations and exit
  version   print the version

Run "tunebase <command> -h" for the flags of a command.
`

// Main runs the tunebase command line and returns the exit code.
func Main(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = runServe(rest, getenv, stdout, stderr)
	case "keys":
		err = runKeys(rest, getenv, stdout, stderr)
	case "migrate":
		err = runMigrate(rest, getenv, stdout, stderr)
	case "version":
		err = runVersion(rest, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "tunebase: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintln(stderr, "tunebase:", err)
		return 1
	}
}

var errUsage = errors.New("usage")

// loadConfig reads the environment, then the flags of a command, which
// override it. Each flag's default shows the environment's value.
func loadConfig(name, summary string, args []string, getenv func(string) string, stderr io.Writer, serve bool) (config.Config, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return cfg, err
	}
	fs := flag.NewFlagSet("tunebase "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: tunebase %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "data folder: SQLite file, generated secret, local objects (env TUNEBASE_DATA_DIR)")
	if name != "keys" {
		fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "postgres:// URL; empty means SQLite in the data dir (env DATABASE_URL)")
	}
	if serve {
		fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (env TUNEBASE_ADDR)")
		fs.StringVar(&cfg.PublicURL, "public-url", cfg.PublicURL, "URL clients use to reach this server; default http://<addr> (env TUNEBASE_PUBLIC_URL)")
		fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error (env TUNEBASE_LOG_LEVEL)")
		fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "text or json (env TUNEBASE_LOG_FORMAT)")
		fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", cfg.ShutdownTimeout, "how long in-flight requests may finish after SIGINT/SIGTERM (env TUNEBASE_SHUTDOWN_TIMEOUT)")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "tunebase %s: unexpected argument %q\n", name, fs.Arg(0))
		return cfg, errUsage
	}
	return cfg, nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func runServe(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("serve", "Run the server: migrate the database, print the API URL and keys, serve until SIGINT/SIGTERM.", args, getenv, stderr, true)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	slog.SetDefault(logger)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := New(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	url := cfg.PublicURL
	if url == "" {
		url = "http://" + l.Addr().String()
	}
	fmt.Fprintf(stdout, "Tunebase %s on %s\nAPI URL:          %s\nanon key:         %s\nservice_role key: %s\n",
		Version(), a.DB.Dialect.Name(), url, a.Keys.AnonKey(), a.Keys.ServiceRoleKey())
	logger.Info("listening", "addr", l.Addr().String(), "url", url)
	return a.Serve(ctx, l)
}

func runKeys(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("keys", "Print the project keys as shell assignments, for eval \"$(tunebase keys)\".\nThe secret comes from TUNEBASE_JWT_SECRET or the data dir (generated there if missing).", args, getenv, stderr, false)
	if err != nil {
		return err
	}
	secret, err := principal.LoadSecret(cfg.DataDir, cfg.JWTSecret)
	if err != nil {
		return err
	}
	keys, err := principal.NewKeys(secret)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "ANON_KEY=%s\nSERVICE_ROLE_KEY=%s\n", keys.AnonKey(), keys.ServiceRoleKey())
	return err
}

func runMigrate(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("migrate", "Apply the database migrations that are not yet applied, then exit.", args, getenv, stderr, false)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	d, err := openAndMigrate(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer d.Close()
	_, err = fmt.Fprintf(stdout, "migrations up to date on %s\n", d.Dialect.Name())
	return err
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tunebase version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "Usage: tunebase version\n\nPrint the version of this build.") }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	_, err := fmt.Fprintf(stdout, "tunebase %s %s %s/%s\n", Version(), strings.TrimPrefix(runtime.Version(), "go"), runtime.GOOS, runtime.GOARCH)
	return err
}
