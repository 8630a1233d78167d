// Package query parses PostgREST request syntax, as postgrest-js generates
// it, into a tree: the select list with its embeds, filters (with not., and
// nested or/and), order, limit and offset per relation, and the Prefer
// header. It knows nothing of the schema; names are resolved later against
// the catalog, so every identifier here is untrusted text.
package query

// Request is one parsed /rest/v1/{table} request.
type Request struct {
	// Root is the requested table and everything selected, filtered and
	// ordered on it and its embeds.
	Root *Node
	// Columns is the columns= parameter of inserts and upserts (nil if absent).
	Columns []string
	// OnConflict is the on_conflict= parameter (nil if absent).
	OnConflict []string
}

// Node is a relation in the request: the root table or an embed.
type Node struct {
	// Name is the relation as written: a table name, or a foreign-key
	// column or constraint name used as an embed target.
	Name string
	// Alias is the output key ("artist" in "artist:artists(name)"), "" if none.
	Alias string
	// Hint disambiguates the relationship ("artists!projects_artist_id_fkey"
	// or "artists!artist_id"); "" if none. "inner" and "left" are not hints
	// but set Inner.
	Hint string
	// Inner is set by "!inner": parent rows without a matching child are
	// dropped.
	Inner bool
	// Spread is set by "...rel(cols)": the embed's columns are lifted into
	// the parent object.
	Spread bool

	// Star is set when "*" is in the select list (or the list is empty).
	Star bool
	// Fields are the selected non-embed items, in order.
	Fields []Field
	// Embeds are the embedded relations, in order.
	Embeds []*Node
	// Items keeps the select list's order across fields and embeds: each
	// entry is either a *Field or a *Node (from Fields / Embeds). Parse
	// makes each *Field point at its element of Fields (so do not append
	// to Fields afterwards) and each *Node be the same pointer as in
	// Embeds. "*" is not an item; see Star.
	Items []any

	// Where holds this relation's conditions, all of which must hold
	// (filters "col=op.val" and "rel.col=op.val", and or=/and= trees).
	Where []Condition
	// Order is "order=" (or "rel.order=") for this relation.
	Order []OrderTerm
	// Limit and Offset are nil when absent.
	Limit  *int64
	Offset *int64
}

// Field is a column reference with an optional JSON path, cast and alias.
type Field struct {
	// Column is the column name.
	Column string
	// Path is the JSON path after the column: metadata->a->>b is
	// [{Key:"a"},{Key:"b",Text:true}]. Empty for a plain column.
	Path []PathElem
	// Alias is the output key, "" if none.
	Alias string
	// Cast is the "::type" suffix, "" if none.
	Cast string
}

// PathElem is one step of a JSON path.
type PathElem struct {
	// Key is the object key or, when Index is true, the array index as
	// written (possibly negative).
	Key string
	// Index reports that Key is an integer array index.
	Index bool
	// Text is set for ->> (text result) and clear for -> (JSON result).
	Text bool
}

// Condition is a *Filter or a *Logic.
type Condition interface{ isCondition() }

// Filter is "field=[not.]op[(modifier)].value".
type Filter struct {
	Field Field
	// Op is one of eq neq gt gte lt lte like ilike match imatch in is
	// isdistinct cs cd ov sl sr nxr nxl adj fts plfts phfts wfts.
	Op  string
	Not bool
	// Modifier is "any" or "all" for like(any)/eq(all)…, the text search
	// configuration for fts(english), "" otherwise.
	Modifier string
	// Value is the raw operand text after the operator's dot, with no
	// further decoding except for the list operators below.
	Value string
	// List holds the elements of in.(a,b,"c,d") and of
	// like(any).{a,b}: quotes removed, backslash escapes resolved. Nil
	// for other operators.
	List []string
}

// Logic is "or=(…)", "and=(…)" or their not. forms, possibly nested.
type Logic struct {
	// Op is "and" or "or".
	Op       string
	Not      bool
	Children []Condition
}

func (*Filter) isCondition() {}
func (*Logic) isCondition()  {}

// OrderTerm is one key of order=.
type OrderTerm struct {
	// Relation, when set, names a to-one embed (its alias or name as
	// written in select) whose column Field orders the rows:
	// order=project(title).desc.
	Relation string
	Field    Field
	Desc     bool
	// Nulls is "first", "last" or "" (the default: last for asc, first for
	// desc, as in PostgreSQL).
	Nulls string
}

// Prefer is the parsed Prefer header (comma-separated, repeatable).
type Prefer struct {
	// Return is "minimal", "representation", "headers-only" or "".
	Return string
	// Count is "exact", "planned", "estimated" or "".
	Count string
	// Resolution is "merge-duplicates", "ignore-duplicates" or "".
	Resolution string
	// Missing is "default" or "" (null).
	Missing string
	// Tx is "commit", "rollback" or "".
	Tx string
	// Handling is "strict", "lenient" or "".
	Handling string
	// MaxAffected is max-affected=n, nil if absent.
	MaxAffected *int64
}

// Error is a parse error; the message is meant for the client.
type Error struct {
	// Param is the query parameter (or header) at fault.
	Param   string
	Message string
}

func (e *Error) Error() string { return "query: " + e.Param + ": " + e.Message }
