package rest

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"tunebase/internal/catalog"
	"tunebase/internal/db"
)

// parseScalar converts filter text to a bound value of type t.
func parseScalar(t db.Type, field, raw string) (any, error) {
	switch t {
	case db.TypeUUID:
		u, err := uuid.Parse(raw)
		if err != nil || len(raw) != 36 {
			return nil, invalidValue(field, fmt.Sprintf("invalid input syntax for type uuid: %q", raw))
		}
		return u.String(), nil
	case db.TypeInteger:
		n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
		if err != nil {
			return nil, invalidValue(field, fmt.Sprintf("invalid input syntax for type integer: %q", raw))
		}
		return n, nil
	case db.TypeNumber:
		f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, invalidValue(field, fmt.Sprintf("invalid input syntax for type double precision: %q", raw))
		}
		return f, nil
	case db.TypeBoolean:
		switch strings.ToLower(strings.TrimSpace(raw)) {
		case "true", "t", "yes", "y", "on", "1":
			return true, nil
		case "false", "f", "no", "n", "off", "0":
			return false, nil
		}
		return nil, invalidValue(field, fmt.Sprintf("invalid input syntax for type boolean: %q", raw))
	case db.TypeTimestamptz:
		tm, err := parseTimestamp(raw)
		if err != nil {
			return nil, invalidValue(field, fmt.Sprintf("invalid input syntax for type timestamp with time zone: %q", raw))
		}
		return tm, nil // the dialect binds it at its precision
	case db.TypeJSON:
		if !json.Valid([]byte(raw)) {
			return nil, invalidValue(field, fmt.Sprintf("invalid input syntax for type json: %q", raw))
		}
		return compactJSON(raw), nil
	}
	return raw, nil
}

var timestampLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02", "2006-01-02 15:04:05-07", "2006-01-02T15:04:05-07",
}

func parseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range timestampLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a timestamp")
}

func compactJSON(s string) string {
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// bodyValue converts a JSON body value for column c of table to a bound
// value, checking type, enum, length and bounds.
func bodyValue(table string, c db.Column, v any) (any, error) {
	field := c.Name
	if v == nil {
		return nil, nil
	}
	rule := catalog.Rule(table, c.Name)
	switch c.Type {
	case db.TypeJSON:
		switch c.Name {
		case "metadata", "parameters":
			if _, ok := v.(map[string]any); !ok {
				return nil, invalidValue(field, "must be a JSON object")
			}
		case "waveform_data":
			arr, ok := v.([]any)
			if !ok {
				return nil, invalidValue(field, "must be an array of numbers")
			}
			for _, x := range arr {
				if _, ok := x.(json.Number); !ok {
					return nil, invalidValue(field, "must be an array of numbers")
				}
			}
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, invalidValue(field, "is not valid JSON")
		}
		if len(b) > 1<<20 {
			return nil, tooLong(field, 1<<20)
		}
		return string(b), nil
	case db.TypeText, db.TypeUUID, db.TypeTimestamptz:
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case json.Number:
			if c.Type != db.TypeText {
				return nil, invalidValue(field, "must be a string")
			}
			s = x.String()
		case bool:
			if c.Type != db.TypeText {
				return nil, invalidValue(field, "must be a string")
			}
			s = strconv.FormatBool(x)
		default:
			return nil, invalidValue(field, "must be a string")
		}
		if c.Type != db.TypeText {
			return parseScalar(c.Type, field, s)
		}
		max := rule.MaxLength
		if max == 0 {
			max = catalog.MaxTextLength
		}
		if utf8.RuneCountInString(s) > max {
			return nil, tooLong(field, max)
		}
		if len(rule.Enum) > 0 && !contains(rule.Enum, s) {
			return nil, invalidValue(field, fmt.Sprintf("must be one of %s", strings.Join(rule.Enum, ", "))).
				WithDetails(map[string]any{"field": field, "allowed": rule.Enum})
		}
		return s, nil
	case db.TypeInteger, db.TypeNumber:
		var f float64
		switch x := v.(type) {
		case json.Number:
			var err error
			f, err = x.Float64()
			if err != nil {
				return nil, invalidValue(field, "must be a number")
			}
		case string:
			var err error
			f, err = strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return nil, invalidValue(field, "must be a number")
			}
		default:
			return nil, invalidValue(field, "must be a number")
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, invalidValue(field, "must be a finite number")
		}
		if rule.Min != nil && f < *rule.Min {
			return nil, invalidValue(field, fmt.Sprintf("must be at least %v", *rule.Min))
		}
		if rule.Max != nil && f > *rule.Max {
			return nil, invalidValue(field, fmt.Sprintf("must be at most %v", *rule.Max))
		}
		if c.Type == db.TypeInteger {
			if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
				return nil, invalidValue(field, "must be an integer")
			}
			return int64(f), nil
		}
		return f, nil
	case db.TypeBoolean:
		b, ok := v.(bool)
		if !ok {
			return nil, invalidValue(field, "must be true or false")
		}
		return b, nil
	}
	return nil, invalidValue(field, "has an unsupported type")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
