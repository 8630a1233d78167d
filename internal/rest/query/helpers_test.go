package query

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// dump renders a request compactly, for table tests:
//
//	table{*,alias:col->"key"->>0::type,alias:name!hint!inner{…} where(…) order(…) limit=1 offset=2}
//
// A spread embed starts with "...". Filters are `field [not.]op[(mod)] "value"`,
// followed by the %q of List when it is non-nil; logic trees are
// `[not.]or(child, child)`. Columns and on_conflict follow the root as
// " columns=[…]" and " on_conflict=[…]".
func dump(r *Request) string {
	var b strings.Builder
	dumpNode(&b, r.Root)
	if r.Columns != nil {
		fmt.Fprintf(&b, " columns=%q", r.Columns)
	}
	if r.OnConflict != nil {
		fmt.Fprintf(&b, " on_conflict=%q", r.OnConflict)
	}
	return b.String()
}

func dumpNode(b *strings.Builder, n *Node) {
	if n.Spread {
		b.WriteString("...")
	}
	if n.Alias != "" {
		b.WriteString(n.Alias + ":")
	}
	b.WriteString(n.Name)
	if n.Hint != "" {
		b.WriteString("!" + n.Hint)
	}
	if n.Inner {
		b.WriteString("!inner")
	}
	b.WriteString("{")
	var parts []string
	if n.Star {
		parts = append(parts, "*")
	}
	for _, it := range n.Items {
		var sb strings.Builder
		switch it := it.(type) {
		case *Field:
			sb.WriteString(dumpField(*it))
		case *Node:
			dumpNode(&sb, it)
		}
		parts = append(parts, sb.String())
	}
	b.WriteString(strings.Join(parts, ","))
	if len(n.Where) > 0 {
		var cs []string
		for _, c := range n.Where {
			cs = append(cs, dumpCond(c))
		}
		b.WriteString(" where(" + strings.Join(cs, ", ") + ")")
	}
	if len(n.Order) > 0 {
		var ts []string
		for _, t := range n.Order {
			f := dumpField(t.Field)
			if t.Relation != "" {
				f = t.Relation + "(" + f + ")"
			}
			s := f + ".asc"
			if t.Desc {
				s = f + ".desc"
			}
			if t.Nulls != "" {
				s += ".nulls" + t.Nulls
			}
			ts = append(ts, s)
		}
		b.WriteString(" order(" + strings.Join(ts, ",") + ")")
	}
	if n.Limit != nil {
		b.WriteString(" limit=" + strconv.FormatInt(*n.Limit, 10))
	}
	if n.Offset != nil {
		b.WriteString(" offset=" + strconv.FormatInt(*n.Offset, 10))
	}
	b.WriteString("}")
}

func dumpField(f Field) string {
	var b strings.Builder
	if f.Alias != "" {
		b.WriteString(f.Alias + ":")
	}
	b.WriteString(f.Column)
	for _, p := range f.Path {
		b.WriteString("->")
		if p.Text {
			b.WriteString(">")
		}
		if p.Index {
			b.WriteString(p.Key)
		} else {
			fmt.Fprintf(&b, "%q", p.Key)
		}
	}
	if f.Cast != "" {
		b.WriteString("::" + f.Cast)
	}
	return b.String()
}

func dumpCond(c Condition) string {
	switch c := c.(type) {
	case *Filter:
		op := c.Op
		if c.Not {
			op = "not." + op
		}
		if c.Modifier != "" {
			op += "(" + c.Modifier + ")"
		}
		s := fmt.Sprintf("%s %s %q", dumpField(c.Field), op, c.Value)
		if c.List != nil {
			s += fmt.Sprintf(" %q", c.List)
		}
		return s
	case *Logic:
		var cs []string
		for _, ch := range c.Children {
			cs = append(cs, dumpCond(ch))
		}
		op := c.Op
		if c.Not {
			op = "not." + op
		}
		return op + "(" + strings.Join(cs, ", ") + ")"
	}
	return fmt.Sprintf("?%T", c)
}

// checkRequest verifies the invariants every parsed request must hold.
func checkRequest(r *Request) error {
	if r == nil || r.Root == nil {
		return errors.New("nil request or root")
	}
	return checkNode(r.Root)
}

func checkNode(n *Node) error {
	if n.Name == "" {
		return errors.New("node without name")
	}
	for _, f := range n.Fields {
		if err := checkField(f); err != nil {
			return err
		}
	}
	for _, o := range n.Order {
		if err := checkField(o.Field); err != nil {
			return err
		}
		if o.Nulls != "" && o.Nulls != "first" && o.Nulls != "last" {
			return fmt.Errorf("nulls %q", o.Nulls)
		}
	}
	if (n.Limit != nil && *n.Limit < 0) || (n.Offset != nil && *n.Offset < 0) {
		return errors.New("negative limit or offset")
	}
	fi, ei := 0, 0
	for _, it := range n.Items {
		switch it := it.(type) {
		case *Field:
			if fi >= len(n.Fields) || it != &n.Fields[fi] {
				return fmt.Errorf("%s: item %d does not point at Fields[%d]", n.Name, fi+ei, fi)
			}
			fi++
		case *Node:
			if ei >= len(n.Embeds) || it != n.Embeds[ei] {
				return fmt.Errorf("%s: item %d is not Embeds[%d]", n.Name, fi+ei, ei)
			}
			ei++
		default:
			return fmt.Errorf("%s: item of type %T", n.Name, it)
		}
	}
	if fi != len(n.Fields) || ei != len(n.Embeds) {
		return fmt.Errorf("%s: %d/%d fields and %d/%d embeds in Items", n.Name, fi, len(n.Fields), ei, len(n.Embeds))
	}
	for _, c := range n.Where {
		if err := checkCond(c, 1); err != nil {
			return err
		}
	}
	for _, e := range n.Embeds {
		if err := checkNode(e); err != nil {
			return err
		}
	}
	return nil
}

func checkField(f Field) error {
	if f.Column == "" {
		return errors.New("field without column")
	}
	for _, p := range f.Path {
		if p.Key == "" {
			return fmt.Errorf("%s: empty JSON path key", f.Column)
		}
		if _, err := strconv.Atoi(p.Key); p.Index && err != nil && len(p.Key) < 18 {
			return fmt.Errorf("%s: index %q is not an integer", f.Column, p.Key)
		}
	}
	return nil
}

func checkCond(c Condition, depth int) error {
	switch c := c.(type) {
	case *Filter:
		if _, ok := operators[c.Op]; !ok {
			return fmt.Errorf("bad filter %+v", c)
		}
		if err := checkField(c.Field); err != nil {
			return err
		}
		if c.Op == "is" && !isValues[c.Value] {
			return fmt.Errorf("is value %q", c.Value)
		}
		if (c.Op == "in" || (c.Modifier == "any" || c.Modifier == "all")) != (c.List != nil) {
			return fmt.Errorf("filter %+v: List set wrongly", c)
		}
	case *Logic:
		if (c.Op != "and" && c.Op != "or") || len(c.Children) == 0 || depth > maxLogicDepth {
			return fmt.Errorf("bad logic %+v at depth %d", c, depth)
		}
		for _, ch := range c.Children {
			if err := checkCond(ch, depth+1); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("condition of type %T", c)
	}
	return nil
}

// mustQuery decodes a raw query string as a browser's URLSearchParams
// would have encoded it.
func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	q, err := url.ParseQuery(raw)
	require.NoError(t, err)
	return q
}

type okCase struct {
	name  string
	query string
	want  string
}

func runOK(t *testing.T, cases []okCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := Parse("t", mustQuery(t, tc.query))
			require.NoError(t, err)
			require.NoError(t, checkRequest(req))
			require.Equal(t, tc.want, dump(req))
		})
	}
}

type errCase struct {
	name  string
	query string
	param string
	msg   string // substring of the message
}

func runErr(t *testing.T, cases []errCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := Parse("t", mustQuery(t, tc.query))
			require.Nil(t, req)
			var pe *Error
			require.ErrorAs(t, err, &pe)
			require.Equal(t, tc.param, pe.Param)
			require.Contains(t, pe.Message, tc.msg)
		})
	}
}
