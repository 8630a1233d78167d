package db

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"modernc.org/sqlite"
)

// SQLite lacks Unicode-aware LIKE, regular expressions, JSON containment
// and full-text search over ordinary columns; these Go functions give the
// SQLite side of the dialect the PostgreSQL behaviour the API promises.
func init() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(sqlite.RegisterDeterministicScalarFunction("tunebase_like", 3, sqliteLike))
	must(sqlite.RegisterDeterministicScalarFunction("tunebase_regexp", 3, sqliteRegexp))
	must(sqlite.RegisterDeterministicScalarFunction("tunebase_json_contains", 2, sqliteJSONContains))
	must(sqlite.RegisterDeterministicScalarFunction("tunebase_json_overlaps", 2, sqliteJSONOverlaps))
	must(sqlite.RegisterDeterministicScalarFunction("tunebase_fts", 3, sqliteFTS))
	must(sqlite.RegisterScalarFunction("tunebase_raise", 3, sqliteRaise))
}

func textArg(v driver.Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		return string(x), true
	case int64:
		return fmt.Sprint(x), true
	case float64:
		return fmt.Sprint(x), true
	}
	return "", false
}

func boolArg(v driver.Value) bool {
	switch x := v.(type) {
	case int64:
		return x != 0
	case bool:
		return x
	}
	return false
}

// sqliteLike(value, pattern, caseInsensitive) is PostgreSQL's LIKE/ILIKE:
// % and _ wildcards, backslash escapes, Unicode case folding for ILIKE.
func sqliteLike(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	v, ok1 := textArg(args[0])
	p, ok2 := textArg(args[1])
	if !ok1 || !ok2 {
		return nil, nil
	}
	ci := boolArg(args[2])
	re, err := cachedRegexp("like:"+fmt.Sprint(ci)+":"+p, func() string { return likeToRegexp(p, ci) })
	if err != nil {
		return nil, err
	}
	return re.MatchString(v), nil
}

func likeToRegexp(p string, ci bool) string {
	var sb strings.Builder
	if ci {
		sb.WriteString("(?is)")
	} else {
		sb.WriteString("(?s)")
	}
	sb.WriteString("^")
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '%':
			sb.WriteString(".*")
		case '_':
			sb.WriteString(".")
		case '\\':
			if i+1 < len(rs) {
				i++
				sb.WriteString(regexp.QuoteMeta(string(rs[i])))
			}
		default:
			sb.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	sb.WriteString("$")
	return sb.String()
}

// sqliteRegexp(value, pattern, caseInsensitive) is PostgreSQL's ~ and ~*
// (RE2 syntax).
func sqliteRegexp(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	v, ok1 := textArg(args[0])
	p, ok2 := textArg(args[1])
	if !ok1 || !ok2 {
		return nil, nil
	}
	prefix := ""
	if boolArg(args[2]) {
		prefix = "(?i)"
	}
	re, err := cachedRegexp("re:"+prefix+p, func() string { return prefix + p })
	if err != nil {
		return nil, errors.New(raisePrefix + RaiseInvalid + ":invalid regular expression")
	}
	return re.MatchString(v), nil
}

var (
	reMu    sync.Mutex
	reCache = map[string]*regexp.Regexp{}
)

func cachedRegexp(key string, src func() string) (*regexp.Regexp, error) {
	reMu.Lock()
	defer reMu.Unlock()
	if re, ok := reCache[key]; ok {
		return re, nil
	}
	re, err := regexp.Compile(src())
	if err != nil {
		return nil, err
	}
	if len(reCache) > 1000 {
		reCache = map[string]*regexp.Regexp{}
	}
	reCache[key] = re
	return re, nil
}

func jsonArgs(args []driver.Value) (a, b any, ok bool) {
	as, ok1 := textArg(args[0])
	bs, ok2 := textArg(args[1])
	if !ok1 || !ok2 {
		return nil, nil, false
	}
	if json.Unmarshal([]byte(as), &a) != nil || json.Unmarshal([]byte(bs), &b) != nil {
		return nil, nil, false
	}
	return a, b, true
}

// sqliteJSONContains(a, b) is jsonb's a @> b.
func sqliteJSONContains(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	a, b, ok := jsonArgs(args)
	if !ok {
		return nil, nil
	}
	return JSONContains(a, b), nil
}

// JSONContains reports whether a contains b as jsonb's @> defines it.
func JSONContains(a, b any) bool {
	switch bv := b.(type) {
	case map[string]any:
		av, ok := a.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range bv {
			x, ok := av[k]
			if !ok || !JSONContains(x, v) {
				return false
			}
		}
		return true
	case []any:
		av, ok := a.([]any)
		if !ok {
			// A scalar array on the right may be contained in a scalar? No: only arrays.
			return false
		}
		for _, v := range bv {
			found := false
			for _, x := range av {
				if JSONContains(x, v) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	default:
		if av, ok := a.([]any); ok {
			for _, x := range av {
				if reflect.DeepEqual(x, b) {
					return true
				}
			}
			return false
		}
		return reflect.DeepEqual(a, b)
	}
}

// sqliteJSONOverlaps(a, b): the arrays share an element.
func sqliteJSONOverlaps(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	a, b, ok := jsonArgs(args)
	if !ok {
		return nil, nil
	}
	av, ok1 := a.([]any)
	bv, ok2 := b.([]any)
	if !ok1 || !ok2 {
		return false, nil
	}
	for _, x := range av {
		for _, y := range bv {
			if reflect.DeepEqual(x, y) {
				return true, nil
			}
		}
	}
	return false, nil
}

// sqliteFTS(document, query, kind) approximates PostgreSQL's text search
// with the simple configuration: words are Unicode letter/digit runs,
// case-folded; kind is fts (to_tsquery: & | ! and :* prefixes), plfts (all
// words), phfts (the words in sequence) or wfts (websearch: quotes, or, -).
func sqliteFTS(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	doc, ok1 := textArg(args[0])
	q, ok2 := textArg(args[1])
	kind, _ := textArg(args[2])
	if !ok1 || !ok2 {
		return false, nil
	}
	return MatchText(doc, q, kind), nil
}

// Words splits s into case-folded Unicode words.
func Words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// MatchText is the text search used by the SQLite side (see sqliteFTS).
func MatchText(doc, query, kind string) bool {
	words := Words(doc)
	has := func(w string, prefix bool) bool {
		for _, d := range words {
			if d == w || (prefix && strings.HasPrefix(d, w)) {
				return true
			}
		}
		return false
	}
	switch kind {
	case "phfts":
		q := Words(query)
		if len(q) == 0 {
			return false
		}
	outer:
		for i := 0; i+len(q) <= len(words); i++ {
			for j := range q {
				if words[i+j] != q[j] {
					continue outer
				}
			}
			return true
		}
		return false
	case "wfts":
		// Alternatives separated by "or"; within one, every word (or quoted
		// phrase) must match, and -word must not.
		for _, alt := range strings.Split(" "+strings.ToLower(query)+" ", " or ") {
			ok, any := true, false
			for _, part := range splitQuoted(alt) {
				neg := strings.HasPrefix(part, "-")
				part = strings.TrimPrefix(part, "-")
				q := Words(part)
				if len(q) == 0 {
					continue
				}
				any = true
				m := MatchText(doc, strings.Join(q, " "), "phfts")
				if m == neg {
					ok = false
				}
			}
			if ok && any {
				return true
			}
		}
		return false
	case "fts":
		// to_tsquery: OR of AND groups, ! negation, :* prefix.
		for _, alt := range strings.Split(query, "|") {
			ok, any := true, false
			for _, term := range strings.FieldsFunc(alt, func(r rune) bool { return r == '&' || r == ' ' || r == '(' || r == ')' }) {
				neg := strings.HasPrefix(term, "!")
				term = strings.TrimLeft(term, "!")
				prefix := strings.HasSuffix(term, ":*")
				term = strings.TrimSuffix(term, ":*")
				for _, w := range Words(term) {
					any = true
					if has(w, prefix) == neg {
						ok = false
					}
				}
			}
			if ok && any {
				return true
			}
		}
		return false
	default: // plfts
		q := Words(query)
		if len(q) == 0 {
			return false
		}
		for _, w := range q {
			if !has(w, false) {
				return false
			}
		}
		return true
	}
}

func splitQuoted(s string) []string {
	var out []string
	for i, part := range strings.Split(s, `"`) {
		if i%2 == 1 {
			out = append(out, part)
		} else {
			out = append(out, strings.Fields(part)...)
		}
	}
	return out
}

// Raise codes, shared by both sides of tunebase_raise.
const (
	// RaiseForbidden is a row-rule violation (403).
	RaiseForbidden = "42501"
	// RaiseForeignKey is a missing parent row (409).
	RaiseForeignKey = "23503"
	// RaiseInvalid is an invalid operand, such as a bad regular expression (400).
	RaiseInvalid = "22023"
)

// RaiseError is the error tunebase_raise produces, on either backend.
type RaiseError struct {
	Code    string
	Message string
}

func (e *RaiseError) Error() string { return "db: raised " + e.Code + ": " + e.Message }

// sqliteRaise(code, message, value) fails the statement.
func sqliteRaise(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	code, _ := textArg(args[0])
	msg, _ := textArg(args[1])
	return nil, errors.New(raisePrefix + code + ":" + msg)
}

const raisePrefix = "tunebase_raise:"
