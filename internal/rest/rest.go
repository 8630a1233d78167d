package rest

import (
	"net/http"
	"strconv"
	"strings"

	"tunebase/internal/apierr"
	"tunebase/internal/catalog"
	"tunebase/internal/db"
	"tunebase/internal/principal"
	"tunebase/internal/rest/query"
)

// Service serves /rest/v1/{table}.
type Service struct {
	db      *db.DB
	cat     *catalog.Catalog
	maxRows int64
}

// New returns the REST service; maxRows caps the rows of one read.
func New(d *db.DB, cat *catalog.Catalog, maxRows int) *Service {
	return &Service{db: d, cat: cat, maxRows: int64(maxRows)}
}

// request is what every verb needs: the table, the parsed query and the
// caller.
type request struct {
	table  db.Table
	q      *query.Request
	prefer query.Prefer
	p      principal.Principal
	format format
}

func (s *Service) parse(r *http.Request) (*request, error) {
	name := r.PathValue("table")
	t, ok := s.cat.Table(name)
	if !ok {
		return nil, unknownTable(name)
	}
	if err := checkProfile(r); err != nil {
		return nil, err
	}
	params := r.URL.Query()
	params.Del("apikey") // the key may come as a parameter; it is not a filter
	q, err := query.Parse(name, params)
	if err != nil {
		return nil, fromParse(err)
	}
	prefer, err := query.ParsePrefer(r.Header.Values("Prefer"))
	if err != nil {
		return nil, fromParse(err)
	}
	f, err := negotiate(r.Header.Get("Accept"))
	if err != nil {
		return nil, err
	}
	return &request{table: t, q: q, prefer: prefer, p: principal.From(r.Context()), format: f}, nil
}

// checkProfile accepts only the public schema in Accept-Profile and
// Content-Profile, as PostgREST does with one exposed schema.
func checkProfile(r *http.Request) error {
	for _, h := range []string{"Accept-Profile", "Content-Profile"} {
		if v := r.Header.Get(h); v != "" && v != "public" {
			return apierr.Newf(http.StatusNotAcceptable, "PGRST106", "The schema must be one of the following: public").
				WithDetails(map[string]string{"header": h, "value": v})
		}
	}
	return nil
}

// applyRange maps a Range: a-b header (items) onto offset/limit when the
// query gave neither.
func applyRange(r *http.Request, n *query.Node) error {
	h := r.Header.Get("Range")
	if h == "" || n.Limit != nil || n.Offset != nil {
		return nil
	}
	h = strings.TrimPrefix(strings.TrimSpace(h), "items=")
	a, b, ok := strings.Cut(h, "-")
	from, err := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
	if !ok || err != nil || from < 0 {
		return apierr.New(http.StatusRequestedRangeNotSatisfiable, apierr.PGRSTInvalidRange, "Requested range not satisfiable").
			WithDetails(map[string]string{"range": h})
	}
	n.Offset = &from
	if strings.TrimSpace(b) != "" {
		to, err := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
		if err != nil || to < from {
			return apierr.New(http.StatusRequestedRangeNotSatisfiable, apierr.PGRSTInvalidRange, "Requested range not satisfiable").
				WithDetails(map[string]string{"range": h})
		}
		limit := to - from + 1
		n.Limit = &limit
	}
	return nil
}
