package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

type postgresDialect struct{}

func (postgresDialect) Name() string             { return "postgres" }
func (postgresDialect) driverName() string       { return "pgx" }
func (postgresDialect) migrationsDir() string    { return "migrations/postgres" }
func (postgresDialect) Placeholder(n int) string { return "$" + strconv.Itoa(n) }
func (postgresDialect) Now() string              { return "now()" }

func (postgresDialect) configurePool(db *sql.DB, opts Options) {
	n := opts.MaxOpenConns
	if n <= 0 {
		n = 20
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
}

// migrationLockKey is the advisory lock that serialises migrations of
// instances sharing one PostgreSQL database.
const migrationLockKey = 0x7475_6e65 // "tune"

func (postgresDialect) lockMigrations(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLockKey)
	return err
}

func (postgresDialect) TranslateError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	ce := &ConstraintError{Table: pe.TableName, Constraint: pe.ConstraintName, cause: err}
	if pe.ColumnName != "" {
		ce.Columns = []string{pe.ColumnName}
	}
	switch pe.Code {
	case "23505":
		ce.Kind = ViolationUnique
		ce.Columns = columnsFromDetail(pe.Detail)
	case "23503":
		ce.Kind = ViolationForeignKey
		ce.Columns = columnsFromDetail(pe.Detail)
	case "23514":
		ce.Kind = ViolationCheck
	case "23502":
		ce.Kind = ViolationNotNull
	case RaiseForbidden:
		return &RaiseError{Code: RaiseForbidden, Message: pe.Message}
	default:
		// Class 22 (data exception) and bad text-search or regex operands:
		// the request's values were wrong, not the server.
		// 42804/42883/42846: a type mismatch, missing operator or impossible
		// cast for the operands the request chose; 42704: an unknown text
		// search configuration it named.
		switch {
		case strings.HasPrefix(pe.Code, "22"), pe.Code == "42804", pe.Code == "42883", pe.Code == "42846", pe.Code == "42704",
			pe.Code == "42601" && strings.Contains(pe.Message, "tsquery"):
			return &RaiseError{Code: RaiseInvalid, Message: pe.Message}
		}
		return err
	}
	if pe.Code == "23503" && pe.TableName == "" {
		return &RaiseError{Code: RaiseForeignKey, Message: pe.Message}
	}
	return ce
}

// columnsFromDetail reads the columns out of "Key (a, b)=(…) …".
func columnsFromDetail(detail string) []string {
	i := strings.Index(detail, "Key (")
	if i < 0 {
		return nil
	}
	rest := detail[i+len("Key ("):]
	j := strings.Index(rest, ")")
	if j < 0 {
		return nil
	}
	var cols []string
	for _, c := range strings.Split(rest[:j], ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	return cols
}

func (postgresDialect) Introspect(ctx context.Context, q Querier) (Schema, error) {
	var s Schema
	index := map[string]int{}
	rows, err := q.QueryContext(ctx, `
		SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'YES',
		       c.column_default IS NOT NULL OR c.is_identity = 'YES'
		FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return s, fmt.Errorf("db: introspect columns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, name, typ string
		var col Column
		if err := rows.Scan(&table, &name, &typ, &col.Nullable, &col.HasDefault); err != nil {
			return s, fmt.Errorf("db: introspect columns: %w", err)
		}
		col.Name, col.Type = name, logicalType(typ)
		i, ok := index[table]
		if !ok {
			i = len(s.Tables)
			index[table] = i
			s.Tables = append(s.Tables, Table{Name: table})
		}
		s.Tables[i].Columns = append(s.Tables[i].Columns, col)
	}
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("db: introspect columns: %w", err)
	}
	rows.Close()

	crows, err := q.QueryContext(ctx, `
		SELECT rel.relname, con.contype,
		       (SELECT string_agg(a.attname, ',' ORDER BY k.o) FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
		          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n),
		       coalesce(ref.relname, ''),
		       coalesce((SELECT string_agg(a.attname, ',' ORDER BY k.o) FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
		          JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n), ''),
		       con.confdeltype
		FROM pg_constraint con
		JOIN pg_class rel ON rel.oid = con.conrelid
		LEFT JOIN pg_class ref ON ref.oid = con.confrelid
		WHERE rel.relnamespace = current_schema()::regnamespace AND con.contype IN ('p', 'f', 'u')
		ORDER BY rel.relname, con.conname`)
	if err != nil {
		return s, fmt.Errorf("db: introspect constraints: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var table, kind, cols, refTable, refCols, delType string
		if err := crows.Scan(&table, &kind, &cols, &refTable, &refCols, &delType); err != nil {
			return s, fmt.Errorf("db: introspect constraints: %w", err)
		}
		i, ok := index[table]
		if !ok {
			continue
		}
		t := &s.Tables[i]
		switch kind {
		case "p":
			t.PrimaryKey = strings.Split(cols, ",")
		case "u":
			t.Uniques = append(t.Uniques, strings.Split(cols, ","))
		case "f":
			t.ForeignKeys = append(t.ForeignKeys, ForeignKey{
				Columns: strings.Split(cols, ","), RefTable: refTable,
				RefColumns: strings.Split(refCols, ","), OnDelete: pgDeleteAction(delType),
			})
		}
	}
	if err := crows.Err(); err != nil {
		return s, fmt.Errorf("db: introspect constraints: %w", err)
	}
	s.sort()
	return s, nil
}

func pgDeleteAction(c string) string {
	switch c {
	case "c":
		return "CASCADE"
	case "n":
		return "SET NULL"
	case "d":
		return "SET DEFAULT"
	case "r":
		return "RESTRICT"
	}
	return "NO ACTION"
}
