package rest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"sync"

	"tunebase/internal/apierr"
)

// format is the representation the client asked for.
type format int

const (
	formatJSON format = iota
	formatObject
	formatCSV
)

// negotiate reads Accept.
func negotiate(accept string) (format, error) {
	if strings.TrimSpace(accept) == "" {
		return formatJSON, nil
	}
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "application/vnd.pgrst.object+json", "application/vnd.pgrst.object":
			return formatObject, nil
		case "text/csv":
			return formatCSV, nil
		case "application/json", "*/*", "application/*", "application/openapi+json":
			return formatJSON, nil
		}
	}
	return formatJSON, apierr.Newf(http.StatusNotAcceptable, "PGRST107", "None of these media types are available: %s", accept)
}

// errSingular is PostgREST's answer when .single() does not get one row.
func errSingular(n int) *apierr.Error {
	return apierr.New(http.StatusNotAcceptable, apierr.PGRSTSingularity, "JSON object requested, multiple (or no) rows returned").
		WithDetails(fmt.Sprintf("The result contains %d rows", n))
}

// rowSet holds result rows, each a JSON object, already laid out as a JSON
// array in buf ("[" row ("," row)*), so the default answer needs no copy.
type rowSet struct {
	buf    []byte
	starts []int
	ends   []int
}

// bufPool recycles result buffers between requests.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// add appends one row's JSON text.
func (rs *rowSet) add(b []byte) {
	if len(rs.buf) == 0 {
		if rs.buf == nil {
			rs.buf = (*bufPool.Get().(*[]byte))[:0]
		}
		rs.buf = append(rs.buf, '[')
	} else {
		rs.buf = append(rs.buf, ',')
	}
	rs.starts = append(rs.starts, len(rs.buf))
	if b == nil {
		b = []byte("null")
	}
	rs.buf = append(rs.buf, b...)
	rs.ends = append(rs.ends, len(rs.buf))
}

func (rs *rowSet) len() int { return len(rs.starts) }

// release returns the buffer to the pool; rs and what body returned from
// it must not be used afterwards.
func (rs *rowSet) release() {
	if rs == nil || rs.buf == nil || cap(rs.buf) > 4<<20 {
		return
	}
	b := rs.buf[:0]
	rs.buf = nil
	bufPool.Put(&b)
}

func (rs *rowSet) row(i int) []byte { return rs.buf[rs.starts[i]:rs.ends[i]] }

// array returns the rows as a JSON array.
func (rs *rowSet) array() []byte {
	if len(rs.buf) == 0 {
		return []byte("[]")
	}
	return append(rs.buf, ']')
}

// body renders rows in format f. header names the CSV columns when there
// are no rows to read them from.
func body(f format, rows *rowSet, header []string) ([]byte, string, error) {
	switch f {
	case formatObject:
		if rows.len() != 1 {
			return nil, "", errSingular(rows.len())
		}
		return rows.row(0), "application/vnd.pgrst.object+json; charset=utf-8", nil
	case formatCSV:
		b, err := toCSV(rows, header)
		return b, "text/csv; charset=utf-8", err
	}
	return rows.array(), "application/json; charset=utf-8", nil
}

// toCSV writes a header of the first row's keys, then one line per row.
// Nested values are written as JSON.
func toCSV(rows *rowSet, header []string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if rows.len() == 0 && len(header) > 0 {
		if err := w.Write(header); err != nil {
			return nil, err
		}
	}
	for i := range rows.len() {
		keys, vals, err := orderedObject(rows.row(i))
		if err != nil {
			return nil, err
		}
		if i == 0 {
			header = keys
			if err := w.Write(header); err != nil {
				return nil, err
			}
		}
		line := make([]string, len(header))
		for j, k := range header {
			line[j] = csvValue(vals[k])
		}
		if err := w.Write(line); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func csvValue(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// orderedObject decodes a JSON object keeping its key order.
func orderedObject(s []byte) ([]string, map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(s))
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	var keys []string
	vals := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys = append(keys, k)
		vals[k] = v
	}
	return keys, vals, nil
}

// contentRange renders "a-b/total" (total "*" when not counted).
func contentRange(offset int64, n int, total int64, counted bool) string {
	t := "*"
	if counted {
		t = fmt.Sprint(total)
	}
	if n == 0 {
		return "*/" + t
	}
	return fmt.Sprintf("%d-%d/%s", offset, offset+int64(n)-1, t)
}

func write(w http.ResponseWriter, r *http.Request, status int, contentType string, b []byte) error {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	if r.Method == http.MethodHead || b == nil {
		return nil
	}
	_, err := w.Write(b)
	return err
}
