package app

import (
	"net/http"

	"tunebase/internal/apierr"
	"tunebase/internal/httpx"
	"tunebase/internal/rest"
)

// routes is the route table of every surface, one line per route.
// Surfaces that later issues build answer 404 for now.
func (a *App) routes() http.Handler {
	authn := a.Keys.Middleware
	gotrue := httpx.ErrorStyle(apierr.StyleGoTrue)
	storage := httpx.ErrorStyle(apierr.StyleStorage)

	mux := http.NewServeMux()
	mux.Handle("GET /health", httpx.Handle(a.health))

	mux.Handle("POST /auth/v1/signup", gotrue(authn(httpx.Handle(a.Auth.Signup))))
	mux.Handle("POST /auth/v1/token", gotrue(authn(httpx.Handle(a.Auth.Token))))
	mux.Handle("POST /auth/v1/logout", gotrue(authn(httpx.Handle(a.Auth.Logout))))
	mux.Handle("GET /auth/v1/user", gotrue(authn(httpx.Handle(a.Auth.GetUser))))
	mux.Handle("PUT /auth/v1/user", gotrue(authn(httpx.Handle(a.Auth.UpdateUser))))
	mux.Handle("GET /auth/v1/settings", gotrue(authn(httpx.Handle(a.Auth.Settings))))
	mux.Handle("GET /auth/v1/.well-known/jwks.json", gotrue(authn(httpx.Handle(a.Auth.JWKS))))
	mux.Handle("GET /auth/v1/admin/users", gotrue(authn(httpx.Handle(a.Auth.AdminListUsers))))
	mux.Handle("POST /auth/v1/admin/users", gotrue(authn(httpx.Handle(a.Auth.AdminCreateUser))))
	mux.Handle("GET /auth/v1/admin/users/{id}", gotrue(authn(httpx.Handle(a.Auth.AdminGetUser))))
	mux.Handle("PUT /auth/v1/admin/users/{id}", gotrue(authn(httpx.Handle(a.Auth.AdminUpdateUser))))
	mux.Handle("DELETE /auth/v1/admin/users/{id}", gotrue(authn(httpx.Handle(a.Auth.AdminDeleteUser))))
	mux.Handle("GET /auth/v1/health", gotrue(httpx.Handle(a.health)))
	mux.Handle("/auth/v1/", gotrue(authn(httpx.Handle(notFound))))
	mux.Handle("GET /rest/v1/{$}", authn(httpx.Handle(rest.OpenAPI(a.Catalog, Version()))))
	mux.Handle("/rest/v1/rpc/{fn}", authn(httpx.Handle(rest.NoFunction)))
	mux.Handle("GET /rest/v1/{table}", authn(httpx.Handle(a.REST.Read)))
	mux.Handle("HEAD /rest/v1/{table}", authn(httpx.Handle(a.REST.Read)))
	mux.Handle("POST /rest/v1/{table}", authn(httpx.Handle(a.REST.Insert)))
	mux.Handle("PATCH /rest/v1/{table}", authn(httpx.Handle(a.REST.Update)))
	mux.Handle("DELETE /rest/v1/{table}", authn(httpx.Handle(a.REST.Delete)))
	mux.Handle("/rest/v1/", authn(httpx.Handle(notFound)))
	mux.Handle("/functions/v1/", authn(httpx.Handle(notFound)))
	mux.Handle("/storage/v1/", storage(authn(httpx.Handle(notFound))))
	mux.Handle("/realtime/v1/", authn(httpx.Handle(notFound)))
	mux.Handle("/", httpx.Handle(notFound))

	return httpx.Chain(mux,
		httpx.RequestID,
		httpx.AccessLog(a.Logger),
		httpx.Recover,
		httpx.CORS,
		httpx.Timeout(a.Config.RequestTimeout), // the realtime websocket, when it comes, must be exempt
	)
}

func notFound(w http.ResponseWriter, r *http.Request) error {
	return apierr.NotFoundError("no route for " + r.Method + " " + r.URL.Path)
}

// health answers 200 once the database is reachable (migrations ran before
// the listener opened), 503 otherwise.
func (a *App) health(w http.ResponseWriter, r *http.Request) error {
	if err := a.DB.PingContext(r.Context()); err != nil {
		return apierr.New(http.StatusServiceUnavailable, apierr.Unavailable, "the database is not reachable").WithCause(err)
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
