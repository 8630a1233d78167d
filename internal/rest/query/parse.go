package query

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// maxQueryBytes bounds the query: all keys and values together.
const maxQueryBytes = 64 << 10

// maxQuoted is how much of a parameter an error message quotes.
const maxQuoted = 256

// Parse parses the query of a request on table. q is the decoded query
// (as url.ParseQuery returns it). The keys are:
//
//   - select: the select list (absent or empty: "*"), see [Node.Items];
//   - columns, on_conflict: comma-separated column names;
//   - [path.]order, [path.]limit, [path.]offset;
//   - [path.][not.]or, [path.][not.]and: logic trees;
//   - anything else is a filter "[path.]field=[not.]op[(mod)].value".
//
// path is a dot-separated chain of embed aliases or names from the select
// list, and the parameter applies to that embed; naming no embed is an
// error. A repeated filter, or=, and= or order= key adds to the earlier
// ones; select, columns, on_conflict, limit and offset may appear once.
// Where lists the conditions of each node in key order, then value order.
//
// On failure Parse returns a nil Request and an *Error.
func Parse(table string, q url.Values) (*Request, error) {
	size := 0
	for k, vs := range q {
		size += len(k)
		for _, v := range vs {
			size += len(v)
		}
	}
	if size > maxQueryBytes {
		return nil, &Error{Param: "query", Message: fmt.Sprintf("the query string is larger than %d bytes", maxQueryBytes)}
	}

	root := &Node{Name: table}
	req := &Request{Root: root}
	sel, err := single(q, "select")
	if err != nil {
		return nil, err
	}
	if err := parseSelect(root, sel); err != nil {
		return nil, failed("select", "select parameter", sel, err)
	}
	if req.Columns, err = columnsParam(q, "columns"); err != nil {
		return nil, err
	}
	if req.OnConflict, err = columnsParam(q, "on_conflict"); err != nil {
		return nil, err
	}

	keys := make([]string, 0, len(q))
	for k, vs := range q {
		if len(vs) > 0 && k != "select" && k != "columns" && k != "on_conflict" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := applyParam(root, k, q[k]); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// failed wraps a syntax error in a PostgREST-style message:
// `failed to parse filter (bogus.1): unknown operator "bogus"`.
func failed(param, what, raw string, err error) error {
	return &Error{Param: param, Message: fmt.Sprintf("failed to parse %s (%s): %s", what, clip(raw, maxQuoted), err)}
}

// single returns the one value of key ("" if absent).
func single(q url.Values, key string) (string, error) {
	vs := q[key]
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
		return vs[0], nil
	}
	return "", &Error{Param: key, Message: fmt.Sprintf("%s may be given only once", key)}
}

func columnsParam(q url.Values, key string) ([]string, error) {
	if len(q[key]) == 0 {
		return nil, nil
	}
	raw, err := single(q, key)
	if err != nil {
		return nil, err
	}
	cols, err := parseColumns(raw)
	if err != nil {
		return nil, failed(key, key+" parameter", raw, err)
	}
	return cols, nil
}

// parseKey splits a key into its dot-separated names and the JSON path of
// the last: `tracks.metadata->>genre` is [tracks metadata] and [genre].
func parseKey(key string) ([]string, []PathElem, error) {
	sc := &scanner{s: key}
	var segs []string
	for {
		name, _, err := sc.name("field name")
		if err != nil {
			return nil, nil, err
		}
		segs = append(segs, name)
		if !sc.accept(".") {
			break
		}
	}
	path, err := sc.jsonPath()
	if err != nil {
		return nil, nil, err
	}
	if !sc.eof() {
		if len(path) == 0 {
			return nil, nil, sc.unexpected(`".", "->" or end of input`)
		}
		return nil, nil, sc.unexpected(`"->" or end of input`)
	}
	return segs, path, nil
}

// endsWith reports whether key, as written, is one of the keywords or
// ends with "." and one of them: reserved words are matched on the raw
// text, as PostgREST does, so `"order"` and " order" name columns.
func endsWith(key string, kw ...string) bool {
	return slices.ContainsFunc(kw, func(w string) bool {
		return key == w || strings.HasSuffix(key, "."+w)
	})
}

// applyParam parses one key (other than select, columns, on_conflict) with
// its values onto the node its embed path names.
func applyParam(root *Node, key string, vals []string) error {
	segs, path, err := parseKey(key)
	if err != nil {
		return failed(key, "tree path", key, err)
	}
	last := segs[len(segs)-1]
	embed := segs[:len(segs)-1]
	switch {
	case endsWith(key, "order"):
		n, err := resolve(root, key, embed)
		if err != nil {
			return err
		}
		for _, v := range vals {
			terms, err := parseOrder(v)
			if err != nil {
				return failed(key, "order", v, err)
			}
			n.Order = append(n.Order, terms...)
		}
	case endsWith(key, "limit", "offset"):
		n, err := resolve(root, key, embed)
		if err != nil {
			return err
		}
		dst := &n.Limit
		if last == "offset" {
			dst = &n.Offset
		}
		if len(vals) > 1 || *dst != nil {
			return &Error{Param: key, Message: fmt.Sprintf("%s is given more than once for this relation", last)}
		}
		c, err := parseCount(vals[0])
		if err != nil {
			return failed(key, last+" parameter", vals[0], err)
		}
		*dst = &c
	case endsWith(key, "and", "or"):
		not := endsWith(key, "not.and", "not.or")
		if not && len(embed) > 0 { // the key parsed: "not" is a segment
			embed = embed[:len(embed)-1]
		}
		n, err := resolve(root, key, embed)
		if err != nil {
			return err
		}
		for _, v := range vals {
			l, err := parseLogic(last, not, v)
			if err != nil {
				return failed(key, "logic tree", v, err)
			}
			n.Where = append(n.Where, l)
		}
	default:
		n, err := resolve(root, key, embed)
		if err != nil {
			return err
		}
		for _, v := range vals {
			f, err := parseFilterValue(v)
			if err != nil {
				return failed(key, "filter", v, err)
			}
			f.Field = Field{Column: last, Path: slices.Clone(path)}
			n.Where = append(n.Where, f)
		}
	}
	return nil
}

// resolve follows an embed path from root. Each name matches, in order of
// preference, an embed's alias, then the name of an embed without alias,
// then the name of an aliased embed; the first such embed wins.
func resolve(root *Node, key string, path []string) (*Node, error) {
	n := root
	for i, name := range path {
		next := findEmbed(n, name)
		if next == nil {
			p := clip(strings.Join(path[:i+1], "."), maxQuoted)
			return nil, &Error{Param: key, Message: fmt.Sprintf("'%s' is not an embedded resource in this request; verify that it is included in the 'select' query parameter", p)}
		}
		n = next
	}
	return n, nil
}

func findEmbed(n *Node, name string) *Node {
	var byName, byAliasedName *Node
	for _, e := range n.Embeds {
		switch {
		case e.Alias == name:
			return e
		case e.Name == name && e.Alias == "" && byName == nil:
			byName = e
		case e.Name == name && byAliasedName == nil:
			byAliasedName = e
		}
	}
	if byName != nil {
		return byName
	}
	return byAliasedName
}
