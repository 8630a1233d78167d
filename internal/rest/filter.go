package rest

import (
	"encoding/json"
	"regexp"
	"strings"

	"tunebase/internal/apierr"
	"tunebase/internal/db"
	"tunebase/internal/rest/query"
)

var comparisons = map[string]string{"eq": " = ", "neq": " <> ", "gt": " > ", "gte": " >= ", "lt": " < ", "lte": " <= "}

// condition compiles a filter or a logic tree on t aliased a.
func (c *compiler) condition(t db.Table, a string, cond query.Condition) (string, error) {
	switch x := cond.(type) {
	case *query.Logic:
		if len(x.Children) == 0 {
			return "1 = 1", nil
		}
		parts := make([]string, 0, len(x.Children))
		for _, ch := range x.Children {
			s, err := c.condition(t, a, ch)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		sep := " AND "
		if x.Op == "or" {
			sep = " OR "
		}
		s := "(" + strings.Join(parts, sep) + ")"
		if x.Not {
			s = "NOT " + s
		}
		return s, nil
	case *query.Filter:
		expr, typ, err := c.field(t, a, x.Field)
		if err != nil {
			return "", err
		}
		s, err := c.filter(expr, typ, x)
		if err != nil {
			return "", err
		}
		if x.Not {
			s = "NOT (" + s + ")"
		}
		return s, nil
	}
	return "", badRequest(apierr.PGRSTParse, "unknown condition")
}

func fieldName(f query.Field) string {
	var sb strings.Builder
	sb.WriteString(f.Column)
	for _, p := range f.Path {
		if p.Text {
			sb.WriteString("->>")
		} else {
			sb.WriteString("->")
		}
		sb.WriteString(p.Key)
	}
	return sb.String()
}

var textSearchConfig = regexp.MustCompile(`^[a-z_]{1,63}$`)

// filter compiles one operator applied to expr of logical type typ.
func (c *compiler) filter(expr string, typ db.Type, f *query.Filter) (string, error) {
	name := fieldName(f.Field)
	arg := func(raw string) (string, error) {
		v, err := parseScalar(typ, name, raw)
		if err != nil {
			return "", err
		}
		return c.b.TypedArg(v, typ), nil
	}
	// Operators with (any)/(all) take a list and combine one test per item.
	each := func(one func(ph string) string, parse func(string) (string, error)) (string, error) {
		if f.Modifier != "any" && f.Modifier != "all" {
			ph, err := parse(f.Value)
			if err != nil {
				return "", err
			}
			return one(ph), nil
		}
		if len(f.List) == 0 {
			if f.Modifier == "any" {
				return "1 = 0", nil
			}
			return "1 = 1", nil
		}
		parts := make([]string, 0, len(f.List))
		for _, item := range f.List {
			ph, err := parse(item)
			if err != nil {
				return "", err
			}
			parts = append(parts, one(ph))
		}
		sep := " OR "
		if f.Modifier == "all" {
			sep = " AND "
		}
		return "(" + strings.Join(parts, sep) + ")", nil
	}
	textArg := func(raw string) (string, error) { return c.b.TypedArg(raw, db.TypeText), nil }

	switch op := f.Op; op {
	case "eq", "neq", "gt", "gte", "lt", "lte":
		return each(func(ph string) string { return expr + comparisons[op] + ph }, arg)
	case "like", "ilike":
		likeArg := func(raw string) (string, error) {
			return c.b.TypedArg(strings.ReplaceAll(raw, "*", "%"), db.TypeText), nil
		}
		return each(func(ph string) string { return c.d.Like(textOf(c.d, expr, typ), ph, op == "ilike") }, likeArg)
	case "match", "imatch":
		return each(func(ph string) string { return c.d.Regex(textOf(c.d, expr, typ), ph, op == "imatch") }, textArg)
	case "in":
		if len(f.List) == 0 {
			return "1 = 0", nil
		}
		phs := make([]string, 0, len(f.List))
		for _, item := range f.List {
			ph, err := arg(item)
			if err != nil {
				return "", err
			}
			phs = append(phs, ph)
		}
		return expr + " IN (" + strings.Join(phs, ", ") + ")", nil
	case "is":
		switch f.Value {
		case "null", "unknown":
			return expr + " IS NULL", nil
		case "not_null":
			return expr + " IS NOT NULL", nil
		case "true", "false":
			if typ != db.TypeBoolean {
				return "", invalidValue(name, "is."+f.Value+" applies to boolean columns")
			}
			return expr + " IS " + strings.ToUpper(f.Value), nil
		}
		return "", invalidValue(name, "is. takes null, not_null, true, false or unknown")
	case "isdistinct":
		ph, err := arg(f.Value)
		if err != nil {
			return "", err
		}
		return c.d.IsDistinct(expr, ph), nil
	case "cs", "cd", "ov":
		if typ != db.TypeJSON {
			return "", invalidValue(name, op+" applies to JSON and array columns")
		}
		doc, err := containmentJSON(f.Value)
		if err != nil {
			return "", invalidValue(name, err.Error())
		}
		ph := c.b.TypedArg(doc, db.TypeJSON)
		switch op {
		case "cs":
			return c.d.JSONContains(expr, ph), nil
		case "cd":
			return c.d.JSONContains(ph, expr), nil
		}
		return c.d.JSONOverlaps(expr, ph), nil
	case "fts", "plfts", "phfts", "wfts":
		cfg := f.Modifier
		if cfg == "" {
			cfg = "simple"
		}
		if !textSearchConfig.MatchString(cfg) {
			return "", invalidValue(name, "bad text search configuration")
		}
		q := c.b.TypedArg(f.Value, db.TypeText)
		return c.d.FullText(textOf(c.d, expr, typ), q, op, c.b.TypedArg(cfg, db.TypeText)), nil
	case "sl", "sr", "nxr", "nxl", "adj":
		return "", invalidValue(name, "range operators need a range column; these tables have none")
	}
	return "", badRequest(apierr.PGRSTParse, "unknown operator %q", f.Op)
}

// textOf is expr as text, for pattern and text-search operators.
func textOf(d db.Dialect, expr string, typ db.Type) string {
	if typ == db.TypeText {
		return expr
	}
	return d.JSONText(expr)
}

// containmentJSON reads a cs/cd/ov operand: JSON as supabase-js sends for
// objects, or a PostgreSQL array literal {a,b} for arrays.
func containmentJSON(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if json.Valid([]byte(raw)) && !(strings.HasPrefix(raw, "{") && !strings.Contains(raw, ":") && raw != "{}") {
		return compactJSON(raw), nil
	}
	if !strings.HasPrefix(raw, "{") || !strings.HasSuffix(raw, "}") {
		return "", errBadContainment
	}
	inner := raw[1 : len(raw)-1]
	var items []any
	if strings.TrimSpace(inner) != "" {
		for _, el := range splitArrayLiteral(inner) {
			var num json.Number
			if json.Unmarshal([]byte(el), &num) == nil {
				items = append(items, num)
			} else {
				items = append(items, el)
			}
		}
	}
	if items == nil {
		items = []any{}
	}
	b, err := json.Marshal(items)
	return string(b), err
}

type containmentError struct{}

func (containmentError) Error() string {
	return `expected JSON ({"k":"v"}, [1,2]) or an array literal ({a,b})`
}

var errBadContainment error = containmentError{}

// splitArrayLiteral splits the inside of {a,"b,c",d} on unquoted commas.
func splitArrayLiteral(s string) []string {
	var out []string
	var cur strings.Builder
	quoted, escaped := false, false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\':
			escaped = true
		case r == '"':
			quoted = !quoted
		case r == ',' && !quoted:
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(out, strings.TrimSpace(cur.String()))
}
