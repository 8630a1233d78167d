// Package rest is the PostgREST-compatible surface under /rest/v1.
package rest

import (
	"net/http"

	"tunebase/internal/catalog"
	"tunebase/internal/db"
	"tunebase/internal/httpx"
)

// OpenAPI serves GET /rest/v1/: a Swagger 2.0 description of the exposed
// tables, as PostgREST serves at its root.
func OpenAPI(cat *catalog.Catalog, version string) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		paths := map[string]any{"/": map[string]any{"get": map[string]any{"summary": "OpenAPI description (this document)", "responses": map[string]any{"200": map[string]any{"description": "OK"}}}}}
		defs := map[string]any{}
		for _, t := range cat.Tables() {
			props := map[string]any{}
			var required []string
			for _, c := range t.Columns {
				props[c.Name] = swaggerType(c.Type)
				if !c.Nullable && !c.HasDefault {
					required = append(required, c.Name)
				}
			}
			defs[t.Name] = map[string]any{"type": "object", "properties": props, "required": required}
			ref := map[string]any{"$ref": "#/definitions/" + t.Name}
			ok := map[string]any{"description": "OK", "schema": map[string]any{"type": "array", "items": ref}}
			paths["/"+t.Name] = map[string]any{
				"get":    map[string]any{"tags": []string{t.Name}, "responses": map[string]any{"200": ok}},
				"post":   map[string]any{"tags": []string{t.Name}, "responses": map[string]any{"201": map[string]any{"description": "Created"}}},
				"patch":  map[string]any{"tags": []string{t.Name}, "responses": map[string]any{"204": map[string]any{"description": "No Content"}}},
				"delete": map[string]any{"tags": []string{t.Name}, "responses": map[string]any{"204": map[string]any{"description": "No Content"}}},
			}
		}
		doc := map[string]any{
			"swagger":     "2.0",
			"info":        map[string]any{"title": "Tunebase REST API", "version": version, "description": "PostgREST-compatible API over the AI Music Platform tables"},
			"basePath":    "/rest/v1",
			"schemes":     []string{"http", "https"},
			"consumes":    []string{"application/json"},
			"produces":    []string{"application/json", "application/vnd.pgrst.object+json", "text/csv"},
			"paths":       paths,
			"definitions": defs,
		}
		w.Header().Set("Content-Type", "application/openapi+json; charset=utf-8")
		return httpx.WriteJSON(w, http.StatusOK, doc)
	}
}

func swaggerType(t db.Type) map[string]any {
	switch t {
	case db.TypeUUID:
		return map[string]any{"type": "string", "format": "uuid"}
	case db.TypeInteger:
		return map[string]any{"type": "integer"}
	case db.TypeNumber:
		return map[string]any{"type": "number"}
	case db.TypeBoolean:
		return map[string]any{"type": "boolean"}
	case db.TypeTimestamptz:
		return map[string]any{"type": "string", "format": "date-time"}
	case db.TypeJSON:
		return map[string]any{}
	}
	return map[string]any{"type": "string"}
}
