package rest

import (
	"net/http"
	"strconv"
	"strings"

	"tunebase/internal/apierr"
	"tunebase/internal/catalog"
	"tunebase/internal/db"
	"tunebase/internal/policy"
	"tunebase/internal/principal"
	"tunebase/internal/rest/query"
)

// compiler turns a parsed request into one SQL statement. Every identifier
// it writes comes from the catalog; every request value is bound.
type compiler struct {
	b       *db.Builder
	d       db.Dialect
	cat     *catalog.Catalog
	p       principal.Principal
	aliases int
}

func newCompiler(d db.Dialect, cat *catalog.Catalog, p principal.Principal) *compiler {
	return &compiler{b: db.NewBuilder(d), d: d, cat: cat, p: p}
}

func (c *compiler) alias() string {
	c.aliases++
	return "t" + strconv.Itoa(c.aliases)
}

// col is a column reference aliased a.
func col(a, name string) string { return a + "." + db.Ident(name) }

// field compiles a column reference with its JSON path and cast, and
// returns its SQL and logical type.
func (c *compiler) field(t db.Table, a string, f query.Field) (string, db.Type, error) {
	column, ok := t.Column(f.Column)
	if !ok {
		return "", "", unknownColumn(t.Name, f.Column)
	}
	expr, typ := col(a, column.Name), column.Type
	if len(f.Path) > 0 {
		if column.Type != db.TypeJSON {
			return "", "", badRequest(apierr.PGRSTParse, "column %s is not JSON; -> and ->> apply to JSON columns", column.Name)
		}
		for _, el := range f.Path {
			var key string
			if el.Index {
				n, err := strconv.ParseInt(el.Key, 10, 64)
				if err != nil {
					return "", "", badRequest(apierr.PGRSTParse, "bad JSON array index %q", el.Key)
				}
				key = c.d.JSONIndex(c.b.Arg(n))
			} else {
				key = c.b.TypedArg(el.Key, db.TypeText)
			}
			expr = c.d.JSONArrow(expr, key, el.Text)
		}
		typ = db.TypeJSON
		if f.Path[len(f.Path)-1].Text {
			typ = db.TypeText
		}
	}
	if f.Cast != "" {
		cast, ct, ok := c.d.Cast(expr, f.Cast)
		if !ok {
			return "", "", badRequest(apierr.PGRSTParse, "cast to %q is not supported", f.Cast)
		}
		expr, typ = cast, ct
	}
	return expr, typ, nil
}

// outputKey is the JSON key of a selected field, as PostgREST names it.
func outputKey(f query.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	if len(f.Path) > 0 {
		return f.Path[len(f.Path)-1].Key
	}
	return f.Column
}

// outputKeys lists the top-level keys rowJSON gives a row of t, for a CSV
// header when there are no rows.
func outputKeys(t db.Table, n *query.Node) []string {
	var keys []string
	if n.Star {
		for _, c := range t.Columns {
			keys = append(keys, c.Name)
		}
	}
	for _, item := range n.Items {
		switch it := item.(type) {
		case *query.Field:
			keys = append(keys, outputKey(*it))
		case *query.Node:
			switch {
			case it.Alias != "":
				keys = append(keys, it.Alias)
			case !it.Spread && (it.Star || len(it.Items) > 0):
				keys = append(keys, it.Name)
			}
		}
	}
	return keys
}

// key renders a JSON object key: catalog names as literals, request text
// (aliases, JSON keys) bound.
func (c *compiler) key(k string, trusted bool) string {
	if trusted {
		return "'" + k + "'"
	}
	return c.b.TypedArg(k, db.TypeText)
}

// rowJSON returns the SQL expression of the JSON object for one row of t
// aliased a: the selected columns and the embeds, as subqueries.
func (c *compiler) rowJSON(t db.Table, a string, n *query.Node) (string, error) {
	var pairs []string
	if n.Star {
		for _, column := range t.Columns {
			pairs = append(pairs, c.key(column.Name, true), c.d.JSONValue(col(a, column.Name), column.Type))
		}
	}
	for _, item := range n.Items {
		switch it := item.(type) {
		case *query.Field:
			expr, typ, err := c.field(t, a, *it)
			if err != nil {
				return "", err
			}
			trusted := it.Alias == "" && len(it.Path) == 0
			pairs = append(pairs, c.key(outputKey(*it), trusted), c.d.JSONValue(expr, typ))
		case *query.Node:
			rel, err := c.relation(t, it)
			if err != nil {
				return "", err
			}
			if !it.Star && len(it.Items) == 0 {
				continue // rel() selects nothing: it only filters (with !inner)
			}
			if it.Spread {
				if !rel.toOne {
					return "", badRequest(apierr.PGRSTParse, "spread (...%s) needs a to-one relationship", it.Name)
				}
				spread, err := c.spreadPairs(rel, a, it)
				if err != nil {
					return "", err
				}
				pairs = append(pairs, spread...)
				continue
			}
			sub, err := c.embed(rel, a, it)
			if err != nil {
				return "", err
			}
			k := it.Alias
			if k == "" {
				k = it.Name
			}
			pairs = append(pairs, c.key(k, it.Alias == "" && k == rel.target.Name), sub)
		}
	}
	if len(pairs) == 0 {
		return c.d.JSONObject(""), nil
	}
	return c.d.JSONObject(strings.Join(pairs, ", ")), nil
}

// relationship is a resolved embed: from the parent table to target.
type relationship struct {
	target db.Table
	// toOne: the parent holds the foreign key (parentColumn → target.id).
	// Otherwise the target holds it (targetColumn → parent.id).
	toOne        bool
	parentColumn string
	targetColumn string
	refColumn    string
}

// relation resolves an embed name (a table, or a foreign-key column of
// the parent) and its hint against the catalog's foreign keys.
func (c *compiler) relation(parent db.Table, n *query.Node) (relationship, error) {
	var found []relationship
	for _, fk := range parent.ForeignKeys {
		if len(fk.Columns) != 1 {
			continue
		}
		target, ok := c.cat.Table(fk.RefTable)
		if !ok {
			continue
		}
		if (fk.RefTable == n.Name || fk.Columns[0] == n.Name) && (n.Hint == "" || n.Hint == fk.Columns[0] || n.Hint == parent.Name+"_"+fk.Columns[0]+"_fkey") {
			found = append(found, relationship{target: target, toOne: true, parentColumn: fk.Columns[0], refColumn: fk.RefColumns[0]})
		}
	}
	if target, ok := c.cat.Table(n.Name); ok {
		for _, fk := range target.ForeignKeys {
			if len(fk.Columns) != 1 || fk.RefTable != parent.Name {
				continue
			}
			if n.Hint == "" || n.Hint == fk.Columns[0] || n.Hint == target.Name+"_"+fk.Columns[0]+"_fkey" {
				found = append(found, relationship{target: target, targetColumn: fk.Columns[0], refColumn: fk.RefColumns[0]})
			}
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return relationship{}, apierr.Newf(http.StatusBadRequest, apierr.PGRSTUnknownEmbed,
			"Could not find a relationship between '%s' and '%s' in the schema cache", parent.Name, n.Name).
			WithHint("Embed along a foreign key: projects(tracks(*)), tracks(projects(*)), or name the column: artist:artist_id(*).")
	default:
		return relationship{}, apierr.Newf(http.StatusMultipleChoices, "PGRST201",
			"Could not embed because more than one relationship was found for '%s' and '%s'", parent.Name, n.Name).
			WithHint("Add a hint naming the foreign-key column, e.g. " + n.Name + "!" + firstColumn(found) + "(*)")
	}
}

func firstColumn(rs []relationship) string {
	if rs[0].toOne {
		return rs[0].parentColumn
	}
	return rs[0].targetColumn
}

// joinCond is the condition linking target alias ta to parent alias pa.
func (r relationship) joinCond(pa, ta string) string {
	if r.toOne {
		return col(ta, r.refColumn) + " = " + col(pa, r.parentColumn)
	}
	return col(ta, r.targetColumn) + " = " + col(pa, r.refColumn)
}

// embedFrom writes "FROM target AS ta WHERE join AND readable AND filters".
func (c *compiler) embedFrom(sb *strings.Builder, r relationship, pa, ta string, n *query.Node) error {
	sb.WriteString(" FROM " + db.Ident(r.target.Name) + " AS " + ta + " WHERE " + r.joinCond(pa, ta) + " AND ")
	w, err := c.where(r.target, ta, n)
	if err != nil {
		return err
	}
	sb.WriteString(w)
	return nil
}

// embed returns the subquery of an embed: an object (to-one) or an array.
func (c *compiler) embed(r relationship, pa string, n *query.Node) (string, error) {
	ta := c.alias()
	var row string
	count, isCount := countOnly(r.target, n)
	if isCount && !r.toOne {
		// rel(count): [{"count": n}], PostgREST's aggregate.
		row = c.d.JSONObject(c.key(outputKey(count), count.Alias == "") + ", count(*)")
	} else {
		var err error
		if row, err = c.rowJSON(r.target, ta, n); err != nil {
			return "", err
		}
	}
	var sb strings.Builder
	if r.toOne {
		sb.WriteString("(SELECT " + row)
		if err := c.embedFrom(&sb, r, pa, ta, n); err != nil {
			return "", err
		}
		sb.WriteString(")")
		return c.d.EmbedJSON(sb.String()), nil
	}
	sb.WriteString("(SELECT " + c.d.JSONAgg("s_"+ta+".j") + " FROM (SELECT " + row + " AS j")
	if err := c.embedFrom(&sb, r, pa, ta, n); err != nil {
		return "", err
	}
	if !isCount {
		tail, err := c.orderLimit(r.target, ta, n, 0)
		if err != nil {
			return "", err
		}
		sb.WriteString(tail)
	}
	sb.WriteString(") AS s_" + ta + ")")
	return c.d.EmbedJSON(sb.String()), nil
}

// countOnly reports whether an embed selects just count (the aggregate),
// on a table that has no column of that name.
func countOnly(t db.Table, n *query.Node) (query.Field, bool) {
	if n.Star || len(n.Items) != 1 || len(n.Fields) != 1 {
		return query.Field{}, false
	}
	f := n.Fields[0]
	if f.Column != "count" || len(f.Path) > 0 || f.Cast != "" {
		return query.Field{}, false
	}
	if _, exists := t.Column("count"); exists {
		return query.Field{}, false
	}
	return f, true
}

// spreadPairs lifts a to-one embed's fields into the parent object.
func (c *compiler) spreadPairs(r relationship, pa string, n *query.Node) ([]string, error) {
	var pairs []string
	fields := n.Fields
	if n.Star {
		fields = nil
		for _, column := range r.target.Columns {
			fields = append(fields, query.Field{Column: column.Name})
		}
	}
	for _, f := range fields {
		ta := c.alias()
		expr, typ, err := c.field(r.target, ta, f)
		if err != nil {
			return nil, err
		}
		var sb strings.Builder
		sb.WriteString("(SELECT " + c.d.JSONValue(expr, typ))
		if err := c.embedFrom(&sb, r, pa, ta, n); err != nil {
			return nil, err
		}
		sb.WriteString(")")
		pairs = append(pairs, c.key(outputKey(f), f.Alias == "" && len(f.Path) == 0), sb.String())
	}
	return pairs, nil
}

// where returns the WHERE conditions of a relation: the row rules, the
// request's filters and the !inner embeds' existence.
func (c *compiler) where(t db.Table, a string, n *query.Node) (string, error) {
	parts := []string{c.readable(t.Name, a)}
	for _, cond := range n.Where {
		s, err := c.condition(t, a, cond)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	for _, e := range n.Embeds {
		if !e.Inner {
			continue
		}
		r, err := c.relation(t, e)
		if err != nil {
			return "", err
		}
		ea := c.alias()
		var sb strings.Builder
		sb.WriteString("EXISTS (SELECT 1")
		if err := c.embedFrom(&sb, r, a, ea, e); err != nil {
			return "", err
		}
		sb.WriteString(")")
		parts = append(parts, sb.String())
	}
	return strings.Join(parts, " AND "), nil
}

// readable is the row-rule predicate for reads, from package policy.
func (c *compiler) readable(table, a string) string {
	sub := c.b.Sub()
	policy.Readable(sub, table, a, c.p)
	return sub.String()
}

// orderExpr is the expression an order term sorts by: a column of t, or
// (rel(col)) a column of a to-one embed, read through the row rules.
func (c *compiler) orderExpr(t db.Table, a string, n *query.Node, o query.OrderTerm) (string, error) {
	if o.Relation == "" {
		expr, _, err := c.field(t, a, o.Field)
		return expr, err
	}
	var embed *query.Node
	for _, e := range n.Embeds {
		if e.Alias == o.Relation || (e.Alias == "" && e.Name == o.Relation) {
			embed = e
			break
		}
	}
	if embed == nil {
		return "", badRequest(apierr.PGRSTParse, "order=%s(…) names no embedded resource of the select", o.Relation).
			WithHint("Embed it first, e.g. select=*," + o.Relation + "(*)")
	}
	r, err := c.relation(t, embed)
	if err != nil {
		return "", err
	}
	if !r.toOne {
		return "", badRequest(apierr.PGRSTParse, "order=%s(…) needs a to-one relationship; order the embedded rows with %s.order=…", o.Relation, o.Relation)
	}
	ta := c.alias()
	expr, _, err := c.field(r.target, ta, o.Field)
	if err != nil {
		return "", err
	}
	return "(SELECT " + expr + " FROM " + db.Ident(r.target.Name) + " AS " + ta + " WHERE " + r.joinCond(a, ta) +
		" AND " + c.readable(r.target.Name, ta) + ")", nil
}

// orderLimit renders ORDER BY / LIMIT / OFFSET of a relation. maxRows caps
// the limit when positive.
func (c *compiler) orderLimit(t db.Table, a string, n *query.Node, maxRows int64) (string, error) {
	var sb strings.Builder
	for i, o := range n.Order {
		expr, err := c.orderExpr(t, a, n, o)
		if err != nil {
			return "", err
		}
		if i == 0 {
			sb.WriteString(" ORDER BY ")
		} else {
			sb.WriteString(", ")
		}
		sb.WriteString(expr)
		nulls := o.Nulls
		if o.Desc {
			sb.WriteString(" DESC")
			if nulls == "" {
				nulls = "first"
			}
		} else {
			sb.WriteString(" ASC")
			if nulls == "" {
				nulls = "last"
			}
		}
		sb.WriteString(" NULLS " + strings.ToUpper(nulls))
	}
	limit := int64(-1)
	if n.Limit != nil {
		limit = *n.Limit
	}
	if maxRows > 0 && (limit < 0 || limit > maxRows) {
		limit = maxRows
	}
	if limit >= 0 {
		sb.WriteString(" LIMIT " + c.b.Arg(limit))
	} else if n.Offset != nil {
		sb.WriteString(c.d.NoLimit())
	}
	if n.Offset != nil {
		sb.WriteString(" OFFSET " + c.b.Arg(*n.Offset))
	}
	return sb.String(), nil
}
