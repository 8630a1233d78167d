package db

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// TimeLayout is how timestamps are written as text: RFC 3339, UTC, with
// milliseconds. Both backends accept it as a timestamptz value.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// FormatTime formats t for a timestamptz parameter.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// Time scans a timestamptz column on either backend: PostgreSQL yields a
// time.Time, SQLite the text the schema stores.
type Time struct{ time.Time }

// Scan implements sql.Scanner.
func (t *Time) Scan(src any) error {
	v, ok, err := scanTime(src)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("db: NULL in a non-null timestamp")
	}
	t.Time = v
	return nil
}

// NullTime is a nullable Time.
type NullTime struct {
	Time  time.Time
	Valid bool
}

// Scan implements sql.Scanner.
func (t *NullTime) Scan(src any) error {
	v, ok, err := scanTime(src)
	t.Time, t.Valid = v, ok
	return err
}

// Ptr returns nil for NULL, else the time.
func (t NullTime) Ptr() *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"}

// ParseTime parses a timestamp as either backend renders it.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("db: %q is not a timestamp", s)
}

func scanTime(src any) (time.Time, bool, error) {
	switch v := src.(type) {
	case nil:
		return time.Time{}, false, nil
	case time.Time:
		return v.UTC(), true, nil
	case string:
		t, err := ParseTime(v)
		return t, err == nil, err
	case []byte:
		t, err := ParseTime(string(v))
		return t, err == nil, err
	}
	return time.Time{}, false, fmt.Errorf("db: cannot scan %T into a timestamp", src)
}

// JSONObject scans and writes a JSON object column (jsonb on PostgreSQL,
// text on SQLite). NULL scans as an empty object.
type JSONObject map[string]any

// Scan implements sql.Scanner.
func (j *JSONObject) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*j = JSONObject{}
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("db: cannot scan %T into a JSON object", src)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("db: JSON object column: %w", err)
	}
	*j = m
	return nil
}

// Value implements driver.Valuer: the JSON text.
func (j JSONObject) Value() (driver.Value, error) {
	if j == nil {
		return "{}", nil
	}
	b, err := json.Marshal(map[string]any(j))
	return string(b), err
}
