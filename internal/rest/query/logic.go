package query

// maxLogicDepth bounds the nesting of or=/and= trees; the parameter's own
// group is level 1.
const maxLogicDepth = 16

// parseLogic parses the value of an or=/and= parameter (op and not come
// from the key):
//
//	group = "(" child *("," child) ")"
//	child = ["not."] ("and" | "or") group | field "." ["not."] op ["(" mod ")"] "." value
//
// Blanks around children, commas and parentheses are skipped.
func parseLogic(op string, not bool, raw string) (*Logic, error) {
	sc := &scanner{s: raw}
	sc.skipWS()
	l, err := logicGroup(sc, op, not, 1)
	if err != nil {
		return nil, err
	}
	sc.skipWS()
	if !sc.eof() {
		return nil, sc.unexpected("end of input")
	}
	return l, nil
}

func logicGroup(sc *scanner, op string, not bool, depth int) (*Logic, error) {
	if depth > maxLogicDepth {
		return nil, errorf("logic tree is nested deeper than %d levels", maxLogicDepth)
	}
	if !sc.accept("(") {
		return nil, sc.unexpected(`"("`)
	}
	l := &Logic{Op: op, Not: not}
	for {
		sc.skipWS()
		c, err := logicChild(sc, depth)
		if err != nil {
			return nil, err
		}
		l.Children = append(l.Children, c)
		sc.skipWS()
		if sc.accept(",") {
			continue
		}
		if sc.accept(")") {
			return l, nil
		}
		return nil, sc.unexpected(`"," or ")"`)
	}
}

func logicChild(sc *scanner, depth int) (Condition, error) {
	start := sc.pos
	if sc.accept("not.") {
		if op, ok := logicOp(sc); ok {
			return logicGroup(sc, op, true, depth+1)
		}
		sc.pos = start // a column named "not"
	}
	if op, ok := logicOp(sc); ok {
		return logicGroup(sc, op, false, depth+1)
	}
	if sc.eof() || sc.peek() == ')' || sc.peek() == ',' {
		return nil, sc.unexpected("field name, negation operator (not) or logic operator (and, or)")
	}
	fld, err := sc.field()
	if err != nil {
		return nil, err
	}
	if !sc.accept(".") {
		if len(fld.Path) == 0 {
			return nil, sc.unexpected(`"." or "->"`)
		}
		return nil, sc.unexpected(`"."`)
	}
	f, err := parseOpExpr(sc, true)
	if err != nil {
		return nil, err
	}
	f.Field = fld
	return f, nil
}

// logicOp consumes "and" or "or" when a "(" follows (after blanks), which
// tells a nested group from a column that happens to be named "and".
func logicOp(sc *scanner) (string, bool) {
	for _, op := range [...]string{"and", "or"} {
		if !sc.hasPrefix(op) {
			continue
		}
		p := sc.pos + len(op)
		for p < len(sc.s) && (sc.s[p] == ' ' || sc.s[p] == '\t') {
			p++
		}
		if p < len(sc.s) && sc.s[p] == '(' {
			sc.pos = p
			return op, true
		}
	}
	return "", false
}
