package rest

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"tunebase/internal/apierr"
	"tunebase/internal/db"
)

// fuzzTable mirrors the tracks table: every logical type the API decodes.
var fuzzTable = db.Table{Name: "tracks", Columns: []db.Column{
	{Name: "id", Type: db.TypeUUID, HasDefault: true},
	{Name: "project_id", Type: db.TypeUUID},
	{Name: "title", Type: db.TypeText},
	{Name: "track_number", Type: db.TypeInteger},
	{Name: "duration", Type: db.TypeNumber, Nullable: true},
	{Name: "waveform_data", Type: db.TypeJSON, Nullable: true},
	{Name: "metadata", Type: db.TypeJSON, HasDefault: true},
	{Name: "created_at", Type: db.TypeTimestamptz, HasDefault: true},
	{Name: "public", Type: db.TypeBoolean, Nullable: true},
}}

// FuzzDecodeBody feeds arbitrary bodies to the write decoder and the value
// checks: each either decodes or is refused with a 4xx, never a panic.
func FuzzDecodeBody(f *testing.F) {
	for _, seed := range []string{
		`{"title":"x","track_number":1}`,
		`[{"title":"a"},{"title":"b","duration":1.5}]`,
		`{"waveform_data":[0.1,0.2],"metadata":{"a":[1,{"b":null}]}}`,
		`{"id":"00000000-0000-4000-8000-000000000000","created_at":"2026-01-01T00:00:00Z"}`,
		`{"track_number":1e400}`, `{"track_number":"3"}`, `[1,2]`, `"x"`, `null`, `{`, ``,
		`{"title":"` + string(bytes.Repeat([]byte("я"), 300)) + `"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/rest/v1/tracks", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rows, _, err := decodeBody(httptest.NewRecorder(), req, true)
		if err != nil {
			requireClientError(t, err)
			return
		}
		for _, row := range rows {
			for k, v := range row {
				c, ok := fuzzTable.Column(k)
				if !ok {
					continue
				}
				if _, err := bodyValue(fuzzTable.Name, c, v); err != nil {
					requireClientError(t, err)
				}
			}
		}
	})
}

// FuzzFilterValue feeds arbitrary filter operands to every type's parser
// and to the containment operand reader.
func FuzzFilterValue(f *testing.F) {
	for _, s := range []string{"1", "-0", "x", "2026-01-01", "true", `{"a":1}`, "{a,b}", `{"a,b",c}`, "{}", "[1,2]", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, typ := range []db.Type{db.TypeUUID, db.TypeText, db.TypeInteger, db.TypeNumber, db.TypeBoolean, db.TypeTimestamptz, db.TypeJSON} {
			if _, err := parseScalar(typ, "f", raw); err != nil {
				requireClientError(t, err)
			}
		}
		_, _ = containmentJSON(raw)
	})
}

func requireClientError(t *testing.T, err error) {
	t.Helper()
	var ae *apierr.Error
	if !errors.As(err, &ae) || ae.Status < 400 || ae.Status >= 500 {
		t.Fatalf("want a 4xx client error, got %v", err)
	}
}
