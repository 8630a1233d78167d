// Package catalog is the schema as the API exposes it: the tables, columns
// and relationships read from the database at start. It is the only source
// of SQL identifiers for code that builds queries from requests.
package catalog

import (
	"context"
	"fmt"

	"tunebase/internal/db"
)

// Exposed lists the tables served under /rest/v1, in the order the API
// document introduces them. Auth, storage and bookkeeping tables are not.
var Exposed = []string{"profiles", "artists", "projects", "tracks", "track_versions", "ai_generations"}

// Catalog is the exposed part of the schema.
type Catalog struct {
	tables []db.Table
	byName map[string]int
}

// Load introspects d and keeps the exposed tables.
func Load(ctx context.Context, d *db.DB) (*Catalog, error) {
	s, err := d.Dialect.Introspect(ctx, d)
	if err != nil {
		return nil, err
	}
	c := &Catalog{byName: map[string]int{}}
	for _, name := range Exposed {
		t, ok := s.Table(name)
		if !ok {
			return nil, fmt.Errorf("catalog: table %s is missing (are the migrations applied?)", name)
		}
		c.byName[name] = len(c.tables)
		c.tables = append(c.tables, t)
	}
	return c, nil
}

// Table returns the exposed table called name.
func (c *Catalog) Table(name string) (db.Table, bool) {
	i, ok := c.byName[name]
	if !ok {
		return db.Table{}, false
	}
	return c.tables[i], true
}

// Tables returns the exposed tables in API order.
func (c *Catalog) Tables() []db.Table { return c.tables }
