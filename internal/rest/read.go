package rest

import (
	"context"
	"database/sql"
	"net/http"
	"strings"

	"tunebase/internal/db"
)

// Read serves GET and HEAD /rest/v1/{table}: one SELECT that builds every
// row's JSON, embeds included, in the database.
func (s *Service) Read(w http.ResponseWriter, r *http.Request) error {
	req, err := s.parse(r)
	if err != nil {
		return err
	}
	root := req.q.Root
	if err := applyRange(r, root); err != nil {
		return err
	}
	counted := req.prefer.Count != ""
	c := newCompiler(s.db.Dialect, s.cat, req.p)
	row, err := c.rowJSON(req.table, "t0", root)
	if err != nil {
		return err
	}
	where, err := c.where(req.table, "t0", root)
	if err != nil {
		return err
	}
	tail, err := c.orderLimit(req.table, "t0", root, s.maxRows)
	if err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString("SELECT " + s.db.Dialect.RowJSONText(row))
	if counted {
		sb.WriteString(", " + s.db.Dialect.CountOver())
	}
	from := " FROM " + db.Ident(req.table.Name) + " AS t0 WHERE " + where
	sb.WriteString(from + tail)

	rows, total, err := s.query(r.Context(), sb.String(), c.b.Args(), counted)
	if err != nil {
		return fromDB(req.table.Name, err)
	}
	defer rows.release()
	var offset int64
	if root.Offset != nil {
		offset = *root.Offset
	}
	if counted && rows.len() == 0 && offset > 0 {
		// No row carried the window count (the offset is past the end).
		if total, err = s.count(r.Context(), req); err != nil {
			return err
		}
	}
	b, ct, err := body(req.format, rows, outputKeys(req.table, req.q.Root))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Range", contentRange(offset, rows.len(), total, counted))
	status := http.StatusOK
	if r.Header.Get("Range") != "" && counted && int64(rows.len()) < total {
		status = http.StatusPartialContent
	}
	return write(w, r, status, ct, b)
}

// count counts the rows a read would see, ignoring limit and offset.
func (s *Service) count(ctx context.Context, req *request) (int64, error) {
	c := newCompiler(s.db.Dialect, s.cat, req.p)
	where, err := c.where(req.table, "t0", req.q.Root)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.db.QueryRowContext(ctx, "SELECT count(*) FROM "+db.Ident(req.table.Name)+" AS t0 WHERE "+where, c.b.Args()...).Scan(&n)
	if err != nil {
		return 0, fromDB(req.table.Name, s.db.Dialect.TranslateError(err))
	}
	return n, nil
}

// query runs a statement whose first column is a row's JSON text and,
// when counted, whose second is the window count.
func (s *Service) query(ctx context.Context, q string, args []any, counted bool) (*rowSet, int64, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, s.db.Dialect.TranslateError(err)
	}
	defer rows.Close()
	out := &rowSet{}
	var total int64
	var j sql.RawBytes // valid until Next: copied into out at once
	for rows.Next() {
		if counted {
			err = rows.Scan(&j, &total)
		} else {
			err = rows.Scan(&j)
		}
		if err != nil {
			return nil, 0, err
		}
		out.add(j)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.db.Dialect.TranslateError(err)
	}
	return out, total, nil
}
