package query

import (
	"strings"
	"unicode"
)

const (
	// maxSelectDepth is how deeply embeds may nest in select=.
	maxSelectDepth = 8
	// maxSelectItems bounds the fields and embeds of select=, all levels
	// together ("*" is not counted).
	maxSelectItems = 64
)

// selectParser parses select=:
//
//	list  = item *("," item)
//	item  = "*" | "..." embed | [alias ":"] (embed | field)
//	embed = name *2("!" (hint | "inner" | "left")) "(" [list] ")"
//	field = name *("->" key | "->>" key) ["::" type]
type selectParser struct {
	sc    scanner
	items int
}

// parseSelect fills root's select list from raw, which is the select=
// value. Empty means "*".
func parseSelect(root *Node, raw string) error {
	s := stripBlanks(raw)
	if s == "" {
		root.Star = true
		return nil
	}
	p := &selectParser{sc: scanner{s: s}}
	if err := p.list(root, 0); err != nil {
		return err
	}
	if !p.sc.eof() {
		return p.sc.unexpected(`"," or end of input`)
	}
	return nil
}

// stripBlanks removes whitespace outside double quotes, as postgrest-js
// does before sending select=.
func stripBlanks(s string) string {
	if strings.IndexFunc(s, unicode.IsSpace) < 0 {
		return s
	}
	var b strings.Builder
	quoted, escaped := false, false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case quoted && r == '\\':
			escaped = true
		case r == '"':
			quoted = !quoted
		case !quoted && unicode.IsSpace(r):
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// list parses items into n until a byte that is not a ",".
func (p *selectParser) list(n *Node, depth int) error {
	var items []any
	for {
		if err := p.item(n, &items, depth); err != nil {
			return err
		}
		if !p.sc.accept(",") {
			break
		}
	}
	finishItems(n, items)
	return nil
}

// finishItems stores the fields of items in n.Fields and points the
// *Field entries of items into that slice, so that Items and Fields share
// their values. Fields is allocated at its final size and never grown.
func finishItems(n *Node, items []any) {
	count := 0
	for _, it := range items {
		if _, ok := it.(*Field); ok {
			count++
		}
	}
	if count > 0 {
		n.Fields = make([]Field, 0, count)
	}
	for i, it := range items {
		if f, ok := it.(*Field); ok {
			n.Fields = append(n.Fields, *f)
			items[i] = &n.Fields[len(n.Fields)-1]
		}
	}
	n.Items = items
}

func (p *selectParser) count() error {
	p.items++
	if p.items > maxSelectItems {
		return errorf("select has more than %d fields and embeds", maxSelectItems)
	}
	return nil
}

func (p *selectParser) item(n *Node, items *[]any, depth int) error {
	sc := &p.sc
	if sc.accept("*") {
		n.Star = true
		return nil
	}
	if sc.accept("...") {
		name, _, err := sc.name("relation name")
		if err != nil {
			return err
		}
		return p.embed(n, items, &Node{Name: name, Spread: true}, depth)
	}
	name, _, err := sc.name("field name")
	if err != nil {
		return err
	}
	alias := ""
	if sc.peek() == ':' && !sc.hasPrefix("::") {
		sc.pos++
		alias = name
		if name, _, err = sc.name("field name"); err != nil {
			return err
		}
	}
	if c := sc.peek(); c == '!' || c == '(' {
		return p.embed(n, items, &Node{Name: name, Alias: alias}, depth)
	}
	f := &Field{Column: name, Alias: alias}
	if f.Path, err = sc.jsonPath(); err != nil {
		return err
	}
	if sc.accept("::") {
		if f.Cast, err = sc.ident("type name"); err != nil {
			return err
		}
	}
	if err := p.count(); err != nil {
		return err
	}
	*items = append(*items, f)
	return nil
}

// embed parses the hints and the parenthesized list of e, whose name is
// already read, and adds it to parent.
func (p *selectParser) embed(parent *Node, items *[]any, e *Node, depth int) error {
	sc := &p.sc
	join := ""
	for i := 0; sc.peek() == '!'; i++ {
		if i == 2 {
			return sc.unexpected(`"("`)
		}
		sc.pos++
		param, quoted, err := sc.name("embed hint or join type (inner, left)")
		if err != nil {
			return err
		}
		switch {
		case !quoted && (param == "inner" || param == "left"):
			if join != "" {
				return errorf("embed %s has two join types (!%s and !%s)", e.Name, join, param)
			}
			join = param
			e.Inner = param == "inner"
		case e.Hint != "":
			return errorf("embed %s has two hints (!%s and !%s)", e.Name, e.Hint, param)
		default:
			e.Hint = param
		}
	}
	if !sc.accept("(") {
		if e.Spread {
			return sc.unexpected(`"(" (a spread needs an embedded resource)`)
		}
		return sc.unexpected(`"("`)
	}
	if depth+1 > maxSelectDepth {
		return errorf("embeds are nested deeper than %d levels", maxSelectDepth)
	}
	if err := p.count(); err != nil {
		return err
	}
	if !sc.accept(")") {
		if err := p.list(e, depth+1); err != nil {
			return err
		}
		if !sc.accept(")") {
			return sc.unexpected(`"," or ")"`)
		}
	}
	parent.Embeds = append(parent.Embeds, e)
	*items = append(*items, e)
	return nil
}
