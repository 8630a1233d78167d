package db

import (
	"sort"
	"strings"
)

// Schema is the introspected shape of the database: what the migrations
// built, as the database itself reports it.
type Schema struct {
	Tables []Table
}

// Table returns the table with the given name.
func (s Schema) Table(name string) (Table, bool) {
	for _, t := range s.Tables {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}

// Table is one table.
type Table struct {
	Name        string
	Columns     []Column
	PrimaryKey  []string
	ForeignKeys []ForeignKey
	// Uniques lists the column sets of unique constraints and indexes,
	// the primary key excluded.
	Uniques [][]string
}

// Column returns the column with the given name.
func (t Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// Column is one column, with its type reduced to a logical [Type].
type Column struct {
	Name       string
	Type       Type
	Nullable   bool
	HasDefault bool
}

// ForeignKey is a reference from Columns to RefTable's RefColumns.
type ForeignKey struct {
	Columns    []string
	RefTable   string
	RefColumns []string
	OnDelete   string // "CASCADE", "SET NULL", "NO ACTION", …
}

// Type is a logical column type, the same on both backends.
type Type string

// Logical types.
const (
	TypeUUID        Type = "uuid"
	TypeText        Type = "text"
	TypeInteger     Type = "integer"
	TypeNumber      Type = "number"
	TypeBoolean     Type = "boolean"
	TypeTimestamptz Type = "timestamptz"
	TypeJSON        Type = "json"
	TypeUnknown     Type = "unknown"
)

// logicalType maps a declared or reported type name (lower case) to a Type.
func logicalType(name string) Type {
	switch name {
	case "uuid":
		return TypeUUID
	case "text", "character varying", "varchar":
		return TypeText
	case "integer", "int", "bigint", "smallint", "int4", "int8":
		return TypeInteger
	case "double precision", "real", "numeric", "float8":
		return TypeNumber
	case "boolean", "bool":
		return TypeBoolean
	case "timestamptz", "timestamp with time zone":
		return TypeTimestamptz
	case "json", "jsonb":
		return TypeJSON
	}
	return TypeUnknown
}

func (s *Schema) sort() {
	sort.Slice(s.Tables, func(i, j int) bool { return s.Tables[i].Name < s.Tables[j].Name })
	for i := range s.Tables {
		t := &s.Tables[i]
		sort.Slice(t.ForeignKeys, func(a, b int) bool {
			return t.ForeignKeys[a].RefTable+t.ForeignKeys[a].Columns[0] < t.ForeignKeys[b].RefTable+t.ForeignKeys[b].Columns[0]
		})
		sort.Slice(t.Uniques, func(a, b int) bool { return strings.Join(t.Uniques[a], ",") < strings.Join(t.Uniques[b], ",") })
	}
}
