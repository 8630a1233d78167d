package rest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"

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

// body renders rows (each a JSON object) in format f. header names the
// CSV columns when there are no rows to read them from.
func body(f format, rows []string, header []string) ([]byte, string, error) {
	switch f {
	case formatObject:
		if len(rows) != 1 {
			return nil, "", errSingular(len(rows))
		}
		return []byte(rows[0]), "application/vnd.pgrst.object+json; charset=utf-8", nil
	case formatCSV:
		b, err := toCSV(rows, header)
		return b, "text/csv; charset=utf-8", err
	}
	size := 2 + len(rows)
	for _, r := range rows {
		size += len(r)
	}
	var buf bytes.Buffer
	buf.Grow(size)
	buf.WriteByte('[')
	for i, r := range rows {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(r)
	}
	buf.WriteByte(']')
	return buf.Bytes(), "application/json; charset=utf-8", nil
}

// toCSV writes a header of the first row's keys, then one line per row.
// Nested values are written as JSON.
func toCSV(rows []string, header []string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if len(rows) == 0 && len(header) > 0 {
		if err := w.Write(header); err != nil {
			return nil, err
		}
	}
	for i, r := range rows {
		keys, vals, err := orderedObject(r)
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
func orderedObject(s string) ([]string, map[string]json.RawMessage, error) {
	dec := json.NewDecoder(strings.NewReader(s))
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
