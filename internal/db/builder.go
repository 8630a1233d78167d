package db

import (
	"strings"
	"time"
)

// Builder accumulates SQL text and its bound arguments. Text comes only
// from code and the schema catalog; every value from a request goes through
// Arg and becomes a placeholder.
type Builder struct {
	d    Dialect
	sb   strings.Builder
	args *[]any
}

// NewBuilder returns an empty builder for d.
func NewBuilder(d Dialect) *Builder { return &Builder{d: d, args: new([]any)} }

// Sub returns an empty builder that shares b's arguments, for building a
// fragment separately. Placeholders are numbered, so fragments may be
// assembled in any order.
func (b *Builder) Sub() *Builder { return &Builder{d: b.d, args: b.args} }

// Dialect returns the builder's dialect.
func (b *Builder) Dialect() Dialect { return b.d }

// S appends trusted SQL text.
func (b *Builder) S(parts ...string) *Builder {
	for _, p := range parts {
		b.sb.WriteString(p)
	}
	return b
}

// Arg binds v and returns its placeholder.
func (b *Builder) Arg(v any) string {
	if t, ok := v.(time.Time); ok {
		v = b.d.TimeValue(t)
	}
	*b.args = append(*b.args, v)
	return b.d.Placeholder(len(*b.args))
}

// TypedArg binds v and returns its placeholder cast to the logical type t
// where the backend needs the cast to infer it.
func (b *Builder) TypedArg(v any, t Type) string {
	return b.d.TypedPlaceholder(b.Arg(v), t)
}

// String returns the SQL text.
func (b *Builder) String() string { return b.sb.String() }

// Args returns the bound arguments.
func (b *Builder) Args() []any { return *b.args }

// Len is the length of the SQL text so far.
func (b *Builder) Len() int { return b.sb.Len() }

// Ident quotes a catalog identifier. Identifiers never come from requests
// unresolved: callers pass names read from the catalog.
func Ident(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
