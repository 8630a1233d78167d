package query

import "strings"

// opKind says what follows an operator.
type opKind int

const (
	opPlain opKind = iota // ".value", no modifier
	opQuant               // "(any)" / "(all)" allowed
	opFTS                 // "(config)" allowed
	opIn                  // ".(a,b)"
	opIs                  // ".null", ".true", …
)

var operators = map[string]opKind{
	"eq": opQuant, "neq": opQuant, "gt": opQuant, "gte": opQuant,
	"lt": opQuant, "lte": opQuant, "like": opQuant, "ilike": opQuant,
	"match": opQuant, "imatch": opQuant,
	"in": opIn, "is": opIs,
	"isdistinct": opPlain, "cs": opPlain, "cd": opPlain, "ov": opPlain,
	"sl": opPlain, "sr": opPlain, "nxr": opPlain, "nxl": opPlain, "adj": opPlain,
	"fts": opFTS, "plfts": opFTS, "phfts": opFTS, "wfts": opFTS,
}

// isValues are the operands of "is", lowercased.
var isValues = map[string]bool{"null": true, "not_null": true, "true": true, "false": true, "unknown": true}

// parseFilterValue parses the value of a top-level filter parameter,
// "[not.]op[(modifier)].value"; the whole string is the expression.
func parseFilterValue(raw string) (*Filter, error) {
	sc := &scanner{s: raw}
	f, err := parseOpExpr(sc, false)
	if err != nil {
		return nil, err
	}
	if !sc.eof() {
		return nil, sc.unexpected("end of input")
	}
	return f, nil
}

// parseOpExpr parses "[not.]op[(modifier)].value" at the cursor. At top
// level (inLogic false) a plain value is the rest of the input, as is. In
// a logic tree it ends at "," or ")" unless double-quoted (the quotes are
// removed) or braced ("{…}", kept).
func parseOpExpr(sc *scanner, inLogic bool) (*Filter, error) {
	f := &Filter{}
	if sc.accept("not.") {
		f.Not = true
	}
	op := sc.word()
	if op == "" {
		return nil, sc.unexpected("operator (eq, gt, ...)")
	}
	kind, ok := operators[op]
	if !ok {
		return nil, errorf("unknown operator %q", op)
	}
	f.Op = op
	if sc.peek() == '(' {
		mod, err := parseModifier(sc, op, kind)
		if err != nil {
			return nil, err
		}
		f.Modifier = mod
	}
	if !sc.accept(".") {
		return nil, sc.unexpected(`"."`)
	}
	start := sc.pos
	var err error
	switch {
	case kind == opIn:
		f.List, err = parseInList(sc)
		f.Value = sc.s[start:sc.pos]
	case kind == opQuant && f.Modifier != "":
		f.List, err = parseArrayList(sc)
		f.Value = sc.s[start:sc.pos]
	case kind == opIs:
		v := sc.rest()
		if inLogic {
			v = rawValue(sc)
		}
		sc.pos = start + len(v)
		f.Value = strings.ToLower(v)
		if !isValues[f.Value] {
			sc.pos = start
			return nil, errorf(`unknown "is" value %q (expecting null, not_null, true, false or unknown)`, v)
		}
	case inLogic:
		f.Value, err = logicValue(sc)
	default:
		f.Value = sc.rest()
		sc.pos = len(sc.s)
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// parseModifier parses "(any)", "(all)" or "(config)" after op.
func parseModifier(sc *scanner, op string, kind opKind) (string, error) {
	var mod string
	switch kind {
	case opQuant:
		sc.pos++
		if mod = sc.word(); mod == "" {
			return "", sc.unexpected(`"any" or "all"`)
		}
		if mod != "any" && mod != "all" {
			return "", errorf("unknown modifier %q for operator %s (expecting any or all)", mod, op)
		}
	case opFTS:
		sc.pos++
		var err error
		if mod, err = sc.ident("text search configuration"); err != nil {
			return "", err
		}
	default:
		return "", errorf("operator %s takes no modifier", op)
	}
	if !sc.accept(")") {
		return "", sc.unexpected(`")"`)
	}
	return mod, nil
}

// parseInList parses "(a,b,"c,d")": elements end at "," or ")"; an element
// starting with a double quote is quoted (backslash escapes) and must then
// end there. "()" is an empty, non-nil list. Elements are not trimmed.
func parseInList(sc *scanner) ([]string, error) {
	if !sc.accept("(") {
		return nil, sc.unexpected(`"("`)
	}
	list := []string{}
	if sc.accept(")") {
		return list, nil
	}
	for {
		var el string
		if sc.peek() == '"' {
			var err error
			if el, err = sc.quoted(); err != nil {
				return nil, err
			}
		} else {
			el = rawValue(sc)
		}
		list = append(list, el)
		if sc.accept(",") {
			continue
		}
		if sc.accept(")") {
			return list, nil
		}
		return nil, sc.unexpected(`"," or ")"`)
	}
}

// parseArrayList parses a PostgreSQL array literal "{a,b,"c,d"}" as sent
// by like(any)/eq(all)…: unquoted elements are trimmed of blanks, quoted
// ones keep them and resolve backslash escapes. "{}" is an empty list.
func parseArrayList(sc *scanner) ([]string, error) {
	if !sc.accept("{") {
		return nil, sc.unexpected(`"{" (a list for any/all)`)
	}
	list := []string{}
	sc.skipWS()
	if sc.accept("}") {
		return list, nil
	}
	for {
		sc.skipWS()
		var el string
		if sc.peek() == '"' {
			var err error
			if el, err = sc.quoted(); err != nil {
				return nil, err
			}
			sc.skipWS()
		} else {
			start := sc.pos
			for !sc.eof() && !strings.ContainsRune(",{}\"", rune(sc.s[sc.pos])) {
				sc.pos++
			}
			el = strings.Trim(sc.s[start:sc.pos], " \t")
			if el == "" {
				return nil, sc.unexpected("array element")
			}
		}
		list = append(list, el)
		if sc.accept(",") {
			continue
		}
		if sc.accept("}") {
			return list, nil
		}
		return nil, sc.unexpected(`"," or "}"`)
	}
}

// rawValue consumes up to the next "," or ")".
func rawValue(sc *scanner) string {
	start := sc.pos
	for !sc.eof() && sc.s[sc.pos] != ',' && sc.s[sc.pos] != ')' {
		sc.pos++
	}
	return sc.s[start:sc.pos]
}

// logicValue parses a plain operand inside a logic tree.
func logicValue(sc *scanner) (string, error) {
	switch sc.peek() {
	case '"':
		return sc.quoted()
	case '{':
		start := sc.pos
		if err := skipBraces(sc); err != nil {
			return "", err
		}
		return sc.s[start:sc.pos], nil
	}
	return rawValue(sc), nil
}

// skipBraces consumes a balanced "{…}", with double-quoted strings.
func skipBraces(sc *scanner) error {
	depth := 0
	for !sc.eof() {
		switch sc.s[sc.pos] {
		case '"':
			if _, err := sc.quoted(); err != nil {
				return err
			}
			continue
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				sc.pos++
				return nil
			}
		}
		sc.pos++
	}
	return sc.unexpected(`"}"`)
}
