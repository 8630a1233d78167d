// Package app wires Tunebase together: it opens the database, builds the
// services and the route table, and runs the HTTP server. It is the only
// package that imports every domain package.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"tunebase/internal/auth"
	"tunebase/internal/catalog"
	"tunebase/internal/config"
	"tunebase/internal/db"
	"tunebase/internal/principal"
	"tunebase/internal/rest"
)

// App is one running Tunebase: its database, keys and HTTP handler.
type App struct {
	Config config.Config
	Logger *slog.Logger
	DB     *db.DB
	Keys   *principal.Keys
	// Catalog is the exposed schema, read once at start.
	Catalog *catalog.Catalog
	Auth    *auth.Service
	REST    *rest.Service

	handler http.Handler
}

// New opens and migrates the database and builds the handler.
func New(ctx context.Context, cfg config.Config, logger *slog.Logger) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	secret, err := principal.LoadSecret(cfg.DataDir, cfg.JWTSecret)
	if err != nil {
		return nil, err
	}
	keys, err := principal.NewKeys(secret)
	if err != nil {
		return nil, err
	}
	d, err := openAndMigrate(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Load(ctx, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	authSvc, err := auth.New(d, keys, cfg.Auth)
	if err != nil {
		d.Close()
		return nil, err
	}
	a := &App{Config: cfg, Logger: logger, DB: d, Keys: keys, Catalog: cat, Auth: authSvc, REST: rest.New(d, cat, cfg.MaxRows)}
	a.handler = a.routes()
	return a, nil
}

func openAndMigrate(ctx context.Context, cfg config.Config, logger *slog.Logger) (*db.DB, error) {
	d, err := db.Open(ctx, db.OptionsFor(cfg.DatabaseURL, cfg.DataDir))
	if err != nil {
		return nil, err
	}
	start := time.Now()
	applied, err := d.Migrate(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	logger.Info("database ready", "backend", d.Dialect.Name(), "migrations_applied", applied, "duration", time.Since(start))
	return d, nil
}

// Handler is the HTTP handler of every surface.
func (a *App) Handler() http.Handler { return a.handler }

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// Serve serves on l until ctx is done, then stops taking connections and
// lets in-flight requests finish for at most Config.ShutdownTimeout.
func (a *App) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Logger.Info("shutting down", "grace", a.Config.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("app: shutdown: in-flight requests cut off after %s: %w", a.Config.ShutdownTimeout, err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
