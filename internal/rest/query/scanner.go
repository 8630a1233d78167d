package query

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// syntaxError is a parse failure inside one parameter; the caller wraps it
// in an *Error naming the parameter and quoting its value.
type syntaxError struct{ msg string }

func (e *syntaxError) Error() string { return e.msg }

// errorf formats a syntaxError; string arguments, which may be user input,
// are clipped to keep messages short.
func errorf(format string, args ...any) error {
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = clip(s, 64)
		}
	}
	return &syntaxError{fmt.Sprintf(format, args...)}
}

// scanner is a cursor over one parameter's text. Every method checks its
// bounds, so no input can make it index out of range.
type scanner struct {
	s   string
	pos int
}

func (sc *scanner) eof() bool { return sc.pos >= len(sc.s) }

// peek returns the next byte, or 0 at the end of input.
func (sc *scanner) peek() byte {
	if sc.eof() {
		return 0
	}
	return sc.s[sc.pos]
}

func (sc *scanner) rest() string {
	if sc.eof() {
		return ""
	}
	return sc.s[sc.pos:]
}

func (sc *scanner) hasPrefix(p string) bool { return strings.HasPrefix(sc.rest(), p) }

// accept consumes p if the input continues with it.
func (sc *scanner) accept(p string) bool {
	if sc.hasPrefix(p) {
		sc.pos += len(p)
		return true
	}
	return false
}

// skipWS skips blanks (space and tab).
func (sc *scanner) skipWS() {
	for !sc.eof() && (sc.s[sc.pos] == ' ' || sc.s[sc.pos] == '\t') {
		sc.pos++
	}
}

// unexpected reports the input at the cursor, PostgREST style:
// `unexpected ")" expecting field name`.
func (sc *scanner) unexpected(expecting string) error {
	what := "end of input"
	if !sc.eof() {
		_, size := utf8.DecodeRuneInString(sc.rest())
		what = fmt.Sprintf("%q", sc.s[sc.pos:sc.pos+size])
	}
	return errorf("unexpected %s expecting %s", what, expecting)
}

// isIdentRune reports whether r may appear in an unquoted name. As in
// PostgREST, that is a letter, a digit, '_', '$' or a space (names are
// trimmed, so spaces only count inside them).
func isIdentRune(r rune) bool {
	return r == '_' || r == '$' || r == ' ' || ('0' <= r && r <= '9') ||
		(r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsMark(r)))
}

// continuesName reports whether the text at byte offset p would extend an
// unquoted name (a non-blank identifier rune, or a dash that is not an
// arrow and is followed by one).
func (sc *scanner) continuesName(p int) bool {
	if p >= len(sc.s) {
		return false
	}
	r, size := utf8.DecodeRuneInString(sc.s[p:])
	if r != ' ' && isIdentRune(r) {
		return true
	}
	if r == '-' && p+size < len(sc.s) {
		next, _ := utf8.DecodeRuneInString(sc.s[p+size:])
		return next != '>' && next != ' ' && isIdentRune(next)
	}
	return false
}

// name parses a field, relation, alias or hint name: a double-quoted
// identifier (backslash escapes resolved) or a run of identifier runes with
// single inner dashes ("a-b", but "a->b" is a JSON path), trimmed of blanks.
// quoted tells the two apart, so that a quoted "and" or "inner" is just a
// name.
func (sc *scanner) name(expecting string) (name string, quoted bool, err error) {
	if sc.peek() == '"' {
		start := sc.pos
		s, err := sc.quoted()
		if err != nil {
			return "", true, err
		}
		if s == "" || strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
			sc.pos = start
			return "", true, errorf("invalid quoted identifier %s: it must be non-empty valid UTF-8 without NUL", clip(sc.s[start:], 40))
		}
		return s, true, nil
	}
	start := sc.pos
	for !sc.eof() {
		r, size := utf8.DecodeRuneInString(sc.rest())
		if isIdentRune(r) {
			sc.pos += size
			continue
		}
		if r == '-' && sc.pos > start && sc.continuesName(sc.pos) {
			sc.pos++
			continue
		}
		break
	}
	n := strings.Trim(sc.s[start:sc.pos], " ")
	if n == "" {
		sc.pos = start
		return "", false, sc.unexpected(expecting)
	}
	return n, false, nil
}

// quoted parses a double-quoted string at the cursor; a backslash makes the
// next byte literal.
func (sc *scanner) quoted() (string, error) {
	sc.pos++ // opening quote
	var b strings.Builder
	for sc.pos < len(sc.s) {
		c := sc.s[sc.pos]
		switch c {
		case '"':
			sc.pos++
			return b.String(), nil
		case '\\':
			if sc.pos+1 >= len(sc.s) {
				sc.pos = len(sc.s)
				return "", sc.unexpected("closing quote")
			}
			b.WriteByte(sc.s[sc.pos+1])
			sc.pos += 2
		default:
			b.WriteByte(c)
			sc.pos++
		}
	}
	return "", sc.unexpected("closing quote")
}

// ident parses a bare identifier (cast types, text search configurations):
// letters, digits, '_' and '$', no blanks.
func (sc *scanner) ident(expecting string) (string, error) {
	start := sc.pos
	for !sc.eof() {
		r, size := utf8.DecodeRuneInString(sc.rest())
		if r == ' ' || !isIdentRune(r) {
			break
		}
		sc.pos += size
	}
	if sc.pos == start {
		return "", sc.unexpected(expecting)
	}
	return sc.s[start:sc.pos], nil
}

// word consumes a run of ASCII letters (operators, order modifiers).
func (sc *scanner) word() string {
	start := sc.pos
	for !sc.eof() {
		c := sc.s[sc.pos]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') {
			sc.pos++
			continue
		}
		break
	}
	return sc.s[start:sc.pos]
}

// jsonPath parses zero or more "->operand" / "->>operand" steps.
func (sc *scanner) jsonPath() ([]PathElem, error) {
	var path []PathElem
	for sc.hasPrefix("->") {
		text := sc.hasPrefix("->>")
		if text {
			sc.pos += 3
		} else {
			sc.pos += 2
		}
		el, err := sc.jsonOperand()
		if err != nil {
			return nil, err
		}
		el.Text = text
		path = append(path, el)
	}
	return path, nil
}

// jsonOperand parses an array index (an optionally negative integer that
// does not run on into a name) or an object key (a name).
func (sc *scanner) jsonOperand() (PathElem, error) {
	start := sc.pos
	p := start
	if p < len(sc.s) && sc.s[p] == '-' {
		p++
	}
	digits := p
	for p < len(sc.s) && '0' <= sc.s[p] && sc.s[p] <= '9' {
		p++
	}
	if p > digits && !sc.continuesName(p) {
		sc.pos = p
		return PathElem{Key: sc.s[start:p], Index: true}, nil
	}
	key, _, err := sc.name("JSON key or array index")
	if err != nil {
		return PathElem{}, err
	}
	return PathElem{Key: key}, nil
}

// field parses a column name and its JSON path (no alias or cast).
func (sc *scanner) field() (Field, error) {
	col, _, err := sc.name("field name")
	if err != nil {
		return Field{}, err
	}
	path, err := sc.jsonPath()
	if err != nil {
		return Field{}, err
	}
	return Field{Column: col, Path: path}, nil
}

// clip shortens s for an error message, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
