package query

import "strconv"

// parseOrder parses order=: comma-separated terms "field[.asc|.desc]
// [.nullsfirst|.nullslast]", the two modifiers in either order, each at
// most once. Blanks around terms are skipped.
func parseOrder(raw string) ([]OrderTerm, error) {
	sc := &scanner{s: raw}
	var terms []OrderTerm
	for {
		sc.skipWS()
		fld, err := sc.field()
		if err != nil {
			return nil, err
		}
		t := OrderTerm{Field: fld}
		if sc.accept("(") {
			// rel(col): a column of a to-one embed.
			if len(fld.Path) > 0 || fld.Cast != "" {
				return nil, errorf("ordering by an embedded resource needs its plain name before (: %s", fld.Column)
			}
			sc.skipWS()
			inner, err := sc.field()
			if err != nil {
				return nil, err
			}
			sc.skipWS()
			if !sc.accept(")") {
				return nil, sc.unexpected(`")"`)
			}
			t = OrderTerm{Relation: fld.Column, Field: inner}
		}
		dir := ""
		for sc.accept(".") {
			at := sc.pos
			switch w := sc.word(); w {
			case "asc", "desc":
				if dir != "" {
					sc.pos = at
					return nil, errorf("order term %s has two directions (%s and %s)", fld.Column, dir, w)
				}
				dir = w
				t.Desc = w == "desc"
			case "nullsfirst", "nullslast":
				if t.Nulls != "" {
					sc.pos = at
					return nil, errorf("order term %s has two nulls modifiers", fld.Column)
				}
				t.Nulls = w[len("nulls"):]
			case "":
				return nil, sc.unexpected(`"asc", "desc", "nullsfirst" or "nullslast"`)
			default:
				return nil, errorf("unknown order modifier %q (expecting asc, desc, nullsfirst or nullslast)", w)
			}
		}
		terms = append(terms, t)
		sc.skipWS()
		if sc.accept(",") {
			continue
		}
		if sc.eof() {
			return terms, nil
		}
		return nil, sc.unexpected(`".", "," or end of input`)
	}
}

// parseColumns parses columns= and on_conflict=: comma-separated names,
// plain or double-quoted ("a","b" is what postgrest-js sends).
func parseColumns(raw string) ([]string, error) {
	sc := &scanner{s: raw}
	var cols []string
	for {
		sc.skipWS()
		name, _, err := sc.name("column name")
		if err != nil {
			return nil, err
		}
		cols = append(cols, name)
		sc.skipWS()
		if sc.accept(",") {
			continue
		}
		if sc.eof() {
			return cols, nil
		}
		return nil, sc.unexpected(`"," or end of input`)
	}
}

// parseCount parses limit= and offset=: a non-negative decimal integer.
func parseCount(raw string) (int64, error) {
	ok := raw != ""
	for i := 0; i < len(raw); i++ {
		if raw[i] < '0' || raw[i] > '9' {
			ok = false
			break
		}
	}
	if ok {
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return n, nil
		}
	}
	return 0, errorf("expecting a non-negative integer")
}
