package rest

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"tunebase/internal/apierr"
	"tunebase/internal/db"
	"tunebase/internal/httpx"
	"tunebase/internal/policy"
	"tunebase/internal/rest/query"
)

// decodeBody reads a JSON object or array of objects.
func decodeBody(w http.ResponseWriter, r *http.Request, allowArray bool) ([]map[string]any, bool, error) {
	var raw any
	if err := httpx.DecodeJSON(w, r, httpx.DefaultBodyLimit, &raw); err != nil {
		return nil, false, err // DecodeJSON's 4xx: invalid JSON, too large, wrong type
	}
	switch v := raw.(type) {
	case map[string]any:
		return []map[string]any{v}, false, nil
	case []any:
		if !allowArray {
			return nil, true, apierr.New(http.StatusBadRequest, apierr.ValidationInvalidFormat, "the body must be one JSON object")
		}
		rows := make([]map[string]any, 0, len(v))
		for i, el := range v {
			m, ok := el.(map[string]any)
			if !ok {
				return nil, true, apierr.Newf(http.StatusBadRequest, apierr.ValidationInvalidFormat, "element %d of the body is not a JSON object", i)
			}
			rows = append(rows, m)
		}
		return rows, true, nil
	}
	return nil, false, apierr.New(http.StatusBadRequest, apierr.ValidationInvalidFormat, "the body must be a JSON object or an array of objects")
}

// goDefault returns the value a column takes when a row of a multi-row
// insert omits it while others give it: the schema's default.
func goDefault(table string, c db.Column) (any, bool) {
	switch c.Name {
	case "id":
		if c.Type == db.TypeUUID {
			return uuid.NewString(), true
		}
	case "created_at", "updated_at":
		return time.Now().UTC().Format(time.RFC3339Nano), true
	case "metadata", "parameters":
		return map[string]any{}, true
	case "status":
		switch table {
		case "projects":
			return "draft", true
		case "ai_generations":
			return "pending", true
		}
	case "source":
		return "upload", true
	case "progress":
		return json.Number("0"), true
	}
	return nil, false
}

// insertColumns picks the columns of an insert: columns= if given, else the
// union of the rows' keys in first-seen order.
func insertColumns(t db.Table, rows []map[string]any, explicit []string) ([]db.Column, error) {
	var names []string
	if explicit != nil {
		names = explicit
	} else {
		seen := map[string]bool{}
		for _, row := range rows {
			keys := make([]string, 0, len(row))
			for k := range row {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if !seen[k] {
					seen[k] = true
					names = append(names, k)
				}
			}
		}
	}
	cols := make([]db.Column, 0, len(names))
	for _, n := range names {
		c, ok := t.Column(n)
		if !ok {
			return nil, unknownColumn(t.Name, n)
		}
		cols = append(cols, c)
	}
	return cols, nil
}

// Insert serves POST /rest/v1/{table}: one object or an array, all or
// nothing, with upsert by Prefer: resolution=… and on_conflict=. It
// compiles to one statement:
//
//	WITH v (c0, c1, …) AS (VALUES (…), (…))
//	INSERT INTO t (…) SELECT v.c0, …, <owner> FROM v WHERE 1 = 1
//	[ON CONFLICT (…) DO NOTHING | DO UPDATE SET …] RETURNING <row JSON>
//
// where <owner> is the caller, or the parent row's owner checked in a CASE
// that raises 403 (not the caller's) or 409 (no such parent).
func (s *Service) Insert(w http.ResponseWriter, r *http.Request) error {
	req, err := s.parseWrite(r, "")
	if err != nil {
		return err
	}
	rows, _, err := decodeBody(w, r, true)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return s.respondWrite(w, r, req, http.StatusCreated, nil)
	}
	t := req.table
	owner, _ := policy.OwnerOf(t.Name)
	cols, err := insertColumns(t, rows, req.q.Columns)
	if err != nil {
		return err
	}
	// The owner column of a child table always follows its parent.
	derived := owner.ParentTable != ""
	if derived {
		cols = slices.DeleteFunc(cols, func(c db.Column) bool { return c.Name == owner.Column })
	}
	ownerGiven := hasColumn(cols, owner.Column)
	for _, col := range t.Columns {
		if !col.Nullable && !col.HasDefault && col.Name != owner.Column && !hasColumn(cols, col.Name) {
			return requiredField(col.Name)
		}
	}
	addCaller := !derived && !ownerGiven
	if addCaller && req.p.IsService() {
		return requiredField(owner.Column) // service_role acts for nobody in particular
	}

	c := newCompiler(s.db.Dialect, s.cat, req.p)
	values, err := c.insertValues(t, cols, rows, owner, addCaller)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(cols)+1)
	vnames := make([]string, 0, len(cols)+1)
	selects := make([]string, 0, len(cols)+1)
	for i, col := range cols {
		names = append(names, db.Ident(col.Name))
		vnames = append(vnames, fmt.Sprintf("c%d", i))
		selects = append(selects, fmt.Sprintf("v.c%d", i))
	}
	switch {
	case addCaller:
		names = append(names, db.Ident(owner.Column))
		vnames = append(vnames, "c_owner")
		selects = append(selects, "v.c_owner")
	case derived:
		parent := slices.IndexFunc(cols, func(c db.Column) bool { return c.Name == owner.ParentColumn })
		if parent < 0 {
			return requiredField(owner.ParentColumn)
		}
		names = append(names, db.Ident(owner.Column))
		selects = append(selects, c.ownerFromParent(owner, fmt.Sprintf("v.c%d", parent)))
	}

	var sb strings.Builder
	sb.WriteString("WITH v (" + strings.Join(vnames, ", ") + ") AS (VALUES " + strings.Join(values, ", ") + ") ")
	sb.WriteString("INSERT INTO " + db.Ident(t.Name) + " (" + strings.Join(names, ", ") + ") SELECT " +
		strings.Join(selects, ", ") + " FROM v WHERE 1 = 1")
	if req.prefer.Resolution != "" {
		conflict, err := s.conflictTarget(t, req.q.OnConflict)
		if err != nil {
			return err
		}
		sb.WriteString(" ON CONFLICT (" + strings.Join(conflict, ", ") + ")")
		if req.prefer.Resolution == "ignore-duplicates" {
			sb.WriteString(" DO NOTHING")
		} else {
			sb.WriteString(" DO UPDATE SET " + c.upsertSets(t, owner, names))
		}
	}
	return s.execWrite(w, r, req, c, sb.String(), http.StatusCreated)
}

// insertValues checks every row and renders the VALUES tuples.
func (c *compiler) insertValues(t db.Table, cols []db.Column, rows []map[string]any, owner policy.Owner, addCaller bool) ([]string, error) {
	values := make([]string, 0, len(rows))
	for i, row := range rows {
		phs := make([]string, 0, len(cols)+1)
		for _, col := range cols {
			v, present := row[col.Name]
			if !present {
				if dv, ok := goDefault(t.Name, col); ok {
					v, present = dv, true
				}
			}
			bv, err := bodyValue(t.Name, col, v)
			if err != nil {
				return nil, rowErr(err, i, len(rows))
			}
			switch {
			case bv == nil && !present && col.HasDefault:
				return nil, rowErr(apierr.Newf(http.StatusBadRequest, apierr.ValidationRequiredField,
					"%s is missing from this row but given in others; give it in every row", col.Name), i, len(rows))
			case bv == nil && !col.Nullable:
				return nil, rowErr(requiredField(col.Name), i, len(rows))
			case col.Name == owner.Column && !c.p.IsService() && bv != c.p.UserID:
				return nil, errForbidden
			}
			phs = append(phs, c.b.TypedArg(bv, col.Type))
		}
		if addCaller {
			phs = append(phs, c.b.TypedArg(c.p.UserID, db.TypeUUID))
		}
		values = append(values, "("+strings.Join(phs, ", ")+")")
	}
	return values, nil
}

// upsertSets is the DO UPDATE SET list of a merge upsert. An existing row
// the caller may not write is refused (403), as PostgreSQL's row security
// refuses the update half of an upsert.
func (c *compiler) upsertSets(t db.Table, owner policy.Owner, names []string) string {
	ownerCol := db.Ident(owner.Column)
	sets := make([]string, 0, len(names))
	for _, n := range names {
		value := "excluded." + n
		if n == ownerCol && !c.p.IsService() {
			sub := c.b.Sub()
			policy.Writable(sub, t.Name, writeAlias(t), c.p)
			refuse := c.d.Raise(c.b.TypedArg(db.RaiseForbidden, db.TypeText), c.b.TypedArg("row rule", db.TypeText), value)
			value = "CASE WHEN " + sub.String() + " THEN " + value + " ELSE " + refuse + " END"
		}
		sets = append(sets, n+" = "+value)
	}
	return strings.Join(sets, ", ")
}

// writeAlias is how a written table is referred to: by its name, since
// SQLite's RETURNING does not see aliases.
func writeAlias(t db.Table) string { return db.Ident(t.Name) }

func hasColumn(cols []db.Column, name string) bool {
	for _, c := range cols {
		if c.Name == name {
			return true
		}
	}
	return false
}

// rowErr names the row of a multi-row body in an error.
func rowErr(err error, i, n int) error {
	var ae *apierr.Error
	if n > 1 && errors.As(err, &ae) {
		d := map[string]any{"row": i}
		if m, ok := ae.Details.(map[string]string); ok {
			for k, v := range m {
				d[k] = v
			}
		} else if m, ok := ae.Details.(map[string]any); ok {
			for k, v := range m {
				d[k] = v
			}
		}
		return ae.WithDetails(d)
	}
	return err
}

// ownerFromParent is the owner column's value for a row whose parent id is
// parentExpr: the parent's owner, refused with 403 when it is not the
// caller and with 409 when the parent does not exist.
func (c *compiler) ownerFromParent(o policy.Owner, parentExpr string) string {
	owner := "(SELECT p." + db.Ident(o.Column) + " FROM " + db.Ident(o.ParentTable) + " AS p WHERE p.id = " + parentExpr + ")"
	missing := c.d.Raise(c.b.TypedArg(db.RaiseForeignKey, db.TypeText),
		c.b.TypedArg(fmt.Sprintf("%s does not exist (no row in %s with that id)", o.ParentColumn, o.ParentTable), db.TypeText), owner)
	if c.p.IsService() {
		return "CASE WHEN " + owner + " IS NULL THEN " + missing + " ELSE " + owner + " END"
	}
	forbidden := c.d.Raise(c.b.TypedArg(db.RaiseForbidden, db.TypeText), c.b.TypedArg("row rule", db.TypeText), owner)
	return "CASE WHEN " + owner + " IS NULL THEN " + missing + " WHEN " + owner + " = " + c.b.TypedArg(c.p.UserID, db.TypeUUID) +
		" THEN " + owner + " ELSE " + forbidden + " END"
}

// conflictTarget validates on_conflict against the table's unique keys.
func (s *Service) conflictTarget(t db.Table, cols []string) ([]string, error) {
	if len(cols) == 0 {
		cols = t.PrimaryKey
	}
	keys := append([][]string{t.PrimaryKey}, t.Uniques...)
	for _, k := range keys {
		if sameSet(k, cols) {
			out := make([]string, len(cols))
			for i, c := range cols {
				out[i] = db.Ident(c)
			}
			return out, nil
		}
	}
	return nil, apierr.Newf(http.StatusBadRequest, "42P10", "there is no unique or exclusion constraint matching the ON CONFLICT specification (%s)", strings.Join(cols, ",")).
		WithHint("on_conflict must name a unique key, e.g. id, or project_id,track_number on tracks.")
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

// parseWrite parses a write and refuses, before any SQL, what no row could
// pass: writes to server-only tables, anon writes, and (for verb UPDATE or
// DELETE) a request without a filter unless service_role.
func (s *Service) parseWrite(r *http.Request, verb string) (*request, error) {
	req, err := s.parse(r)
	if err != nil {
		return nil, err
	}
	if err := policy.CheckTableWrite(req.table.Name, req.p); err != nil {
		return nil, err
	}
	if verb != "" && len(req.q.Root.Where) == 0 && !req.p.IsService() {
		return nil, apierr.Newf(http.StatusBadRequest, "21000", "%s requires a WHERE clause", verb).
			WithHint("Add a filter, e.g. ?id=eq.<uuid>; only the service_role key may change a whole table.")
	}
	return req, nil
}

// Update serves PATCH /rest/v1/{table}.
func (s *Service) Update(w http.ResponseWriter, r *http.Request) error {
	req, err := s.parseWrite(r, "UPDATE")
	if err != nil {
		return err
	}
	rows, _, err := decodeBody(w, r, false)
	if err != nil {
		return err
	}
	t := req.table
	owner, _ := policy.OwnerOf(t.Name)
	c := newCompiler(s.db.Dialect, s.cat, req.p)
	var sets []string
	keys := make([]string, 0, len(rows[0]))
	for k := range rows[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	setsUpdatedAt := false
	for _, k := range keys {
		col, ok := t.Column(k)
		if !ok {
			return unknownColumn(t.Name, k)
		}
		v, err := bodyValue(t.Name, col, rows[0][k])
		if err != nil {
			return err
		}
		if v == nil && !col.Nullable {
			return requiredField(col.Name)
		}
		switch {
		case col.Name == owner.Column && owner.ParentTable != "":
			return invalidValue(col.Name, "follows the parent row's owner and cannot be set")
		case col.Name == owner.Column && !req.p.IsService() && v != req.p.UserID:
			return errForbidden
		}
		ph := c.b.TypedArg(v, col.Type)
		sets = append(sets, db.Ident(col.Name)+" = "+ph)
		if col.Name == owner.ParentColumn && owner.ParentTable != "" {
			sets = append(sets, db.Ident(owner.Column)+" = "+c.ownerFromParent(owner, ph))
		}
		if col.Name == "updated_at" {
			setsUpdatedAt = true
		}
	}
	if len(sets) == 0 {
		return s.respondWrite(w, r, req, http.StatusOK, nil)
	}
	if _, ok := t.Column("updated_at"); ok && !setsUpdatedAt {
		sets = append(sets, db.Ident("updated_at")+" = "+s.db.Dialect.Now())
	}
	sub := c.b.Sub()
	policy.Writable(sub, t.Name, writeAlias(t), req.p)
	where, err := c.filters(t, writeAlias(t), req.q.Root)
	if err != nil {
		return err
	}
	stmt := "UPDATE " + db.Ident(t.Name) + " SET " + strings.Join(sets, ", ") + " WHERE " + sub.String() + where
	return s.execWrite(w, r, req, c, stmt, http.StatusOK)
}

// Delete serves DELETE /rest/v1/{table}.
func (s *Service) Delete(w http.ResponseWriter, r *http.Request) error {
	req, err := s.parseWrite(r, "DELETE")
	if err != nil {
		return err
	}
	c := newCompiler(s.db.Dialect, s.cat, req.p)
	sub := c.b.Sub()
	policy.Writable(sub, req.table.Name, writeAlias(req.table), req.p)
	where, err := c.filters(req.table, writeAlias(req.table), req.q.Root)
	if err != nil {
		return err
	}
	stmt := "DELETE FROM " + db.Ident(req.table.Name) + " WHERE " + sub.String() + where
	return s.execWrite(w, r, req, c, stmt, http.StatusOK)
}

// filters renders " AND cond…" for the root's conditions (and !inner embeds).
func (c *compiler) filters(t db.Table, a string, n *query.Node) (string, error) {
	var sb strings.Builder
	for _, cond := range n.Where {
		s, err := c.condition(t, a, cond)
		if err != nil {
			return "", err
		}
		sb.WriteString(" AND " + s)
	}
	return sb.String(), nil
}

// execWrite runs a write statement with RETURNING of the selected
// representation, in a transaction so that .single() on the result,
// max-affected and tx=rollback can undo it.
func (s *Service) execWrite(w http.ResponseWriter, r *http.Request, req *request, c *compiler, stmt string, okStatus int) error {
	row, err := c.rowJSON(req.table, writeAlias(req.table), req.q.Root)
	if err != nil {
		return err
	}
	stmt += " RETURNING " + s.db.Dialect.RowJSONText(row)
	var out *rowSet
	rollback := errors.New("rollback")
	err = s.db.Tx(r.Context(), func(tx *sql.Tx) error {
		var err error
		out, err = collect(r.Context(), tx, stmt, c.b.Args())
		if err != nil {
			return err
		}
		if req.format == formatObject && out.len() != 1 && req.prefer.Return == "representation" {
			return errSingular(out.len())
		}
		if m := req.prefer.MaxAffected; m != nil && req.prefer.Handling == "strict" && int64(out.len()) > *m {
			return apierr.Newf(http.StatusBadRequest, "PGRST124", "Query result exceeds max-affected preference constraint").
				WithDetails(fmt.Sprintf("The query affects %d rows", out.len()))
		}
		if req.prefer.Tx == "rollback" {
			return rollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, rollback) {
		var ae *apierr.Error
		if errors.As(err, &ae) {
			return ae
		}
		return fromDB(req.table.Name, s.db.Dialect.TranslateError(err))
	}
	defer out.release()
	return s.respondWrite(w, r, req, okStatus, out)
}

func collect(ctx context.Context, q db.Querier, stmt string, args []any) (*rowSet, error) {
	rows, err := q.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &rowSet{}
	var j sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&j); err != nil {
			return nil, err
		}
		out.add(j)
	}
	return out, rows.Err()
}

// respondWrite answers per Prefer: return=minimal (empty 201/204),
// representation (the rows) or headers-only (Location).
func (s *Service) respondWrite(w http.ResponseWriter, r *http.Request, req *request, okStatus int, rows *rowSet) error {
	if rows == nil {
		rows = &rowSet{}
	}
	if req.prefer.Count != "" {
		w.Header().Set("Content-Range", contentRange(0, rows.len(), int64(rows.len()), true))
	}
	switch req.prefer.Return {
	case "representation":
		b, ct, err := body(req.format, rows, outputKeys(req.table, req.q.Root))
		if err != nil {
			return err
		}
		return write(w, r, okStatus, ct, b)
	case "headers-only":
		if rows.len() == 1 {
			var m map[string]json.RawMessage
			var id string
			if json.Unmarshal(rows.row(0), &m) == nil && json.Unmarshal(m["id"], &id) == nil && id != "" {
				w.Header().Set("Location", "/"+req.table.Name+"?id=eq."+id)
			}
		}
	}
	if okStatus == http.StatusOK {
		okStatus = http.StatusNoContent
	}
	w.WriteHeader(okStatus)
	return nil
}
