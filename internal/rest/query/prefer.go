package query

import (
	"fmt"
	"slices"
	"strings"
)

// preferValues are the accepted values of each enumerated preference.
var preferValues = map[string][]string{
	"return":     {"minimal", "representation", "headers-only"},
	"count":      {"exact", "planned", "estimated"},
	"resolution": {"merge-duplicates", "ignore-duplicates"},
	"missing":    {"default", "null"},
	"tx":         {"commit", "rollback"},
	"handling":   {"strict", "lenient"},
}

// ParsePrefer parses the values of the Prefer header (it may be repeated,
// and each value is a comma-separated list of name=value preferences).
//
// A known preference with a value it does not take is an error. Unknown
// preferences are ignored, except under handling=strict, where PostgREST
// rejects them too. If a preference is given twice the first value wins,
// as in PostgREST (both must be valid). missing=null is the default and
// leaves Missing empty.
func ParsePrefer(headers []string) (Prefer, error) {
	var p Prefer
	seen := map[string]bool{}
	var unknown []string
	for _, h := range headers {
		for tok := range strings.SplitSeq(h, ",") {
			tok = strings.TrimSpace(tok)
			if tok == "" {
				continue
			}
			name, value, _ := strings.Cut(tok, "=")
			name, value = strings.TrimSpace(name), strings.TrimSpace(value)
			var dst *string
			switch name {
			case "return":
				dst = &p.Return
			case "count":
				dst = &p.Count
			case "resolution":
				dst = &p.Resolution
			case "missing":
				dst = &p.Missing
			case "tx":
				dst = &p.Tx
			case "handling":
				dst = &p.Handling
			case "max-affected":
				n, err := parseCount(value)
				if err != nil {
					return Prefer{}, &Error{Param: "Prefer", Message: fmt.Sprintf("invalid preference %s (expecting max-affected=<non-negative integer>)", clip(tok, maxQuoted))}
				}
				if !seen[name] {
					p.MaxAffected = &n
				}
				seen[name] = true
				continue
			default:
				unknown = append(unknown, tok)
				continue
			}
			allowed := preferValues[name]
			if !slices.Contains(allowed, value) {
				return Prefer{}, &Error{Param: "Prefer", Message: fmt.Sprintf("invalid preference %s (expecting %s=%s)", clip(tok, maxQuoted), name, strings.Join(allowed, "|"))}
			}
			if !seen[name] {
				if name == "missing" && value == "null" {
					value = ""
				}
				*dst = value
			}
			seen[name] = true
		}
	}
	if p.Handling == "strict" && len(unknown) > 0 {
		return Prefer{}, &Error{Param: "Prefer", Message: fmt.Sprintf("invalid preferences given with handling=strict: %s", clip(strings.Join(unknown, ", "), maxQuoted))}
	}
	return p, nil
}
