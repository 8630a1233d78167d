package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

type sqliteDialect struct{}

func (sqliteDialect) Name() string             { return "sqlite" }
func (sqliteDialect) driverName() string       { return "sqlite" }
func (sqliteDialect) migrationsDir() string    { return "migrations/sqlite" }
func (sqliteDialect) Placeholder(n int) string { return "?" + strconv.Itoa(n) }
func (sqliteDialect) Now() string              { return "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" }

// sqliteDSN enables foreign keys, WAL (readers never wait for the writer), a
// busy timeout so concurrent writers queue instead of failing, and
// BEGIN IMMEDIATE so a transaction takes the write lock up front and cannot
// fail half-way on a lock upgrade.
func sqliteDSN(path string) string {
	v := url.Values{}
	v.Add("_pragma", "foreign_keys(1)")
	v.Add("_pragma", "journal_mode(WAL)")
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "synchronous(NORMAL)")
	v.Set("_txlock", "immediate")
	return "file:" + path + "?" + v.Encode()
}

func (sqliteDialect) configurePool(db *sql.DB, opts Options) {
	n := opts.MaxOpenConns
	if n <= 0 {
		n = 8
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
}

// lockMigrations needs nothing: BEGIN IMMEDIATE already holds the write lock.
func (sqliteDialect) lockMigrations(context.Context, *sql.Tx) error { return nil }

func (sqliteDialect) TranslateError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	if strings.Contains(se.Error(), "malformed JSON") {
		// json() of a value that is not JSON: a cast the request asked for.
		return &RaiseError{Code: RaiseInvalid, Message: "malformed JSON"}
	}
	if i := strings.Index(se.Error(), raisePrefix); i >= 0 {
		code, msg, _ := strings.Cut(se.Error()[i+len(raisePrefix):], ":")
		if j := strings.LastIndex(msg, " ("); j >= 0 {
			msg = msg[:j]
		}
		return &RaiseError{Code: code, Message: msg}
	}
	ce := &ConstraintError{cause: err}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		ce.Kind = ViolationUnique
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		ce.Kind = ViolationForeignKey
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_TRIGGER:
		ce.Kind = ViolationCheck
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		ce.Kind = ViolationNotNull
	default:
		return err
	}
	ce.Table, ce.Columns, ce.Constraint = sqliteConstraintTarget(se.Error())
	return ce
}

// sqliteConstraintTarget reads "UNIQUE constraint failed: t.a, t.b" or
// "CHECK constraint failed: name" out of a SQLite message.
func sqliteConstraintTarget(msg string) (table string, cols []string, constraint string) {
	i := strings.Index(msg, "constraint failed: ")
	if i < 0 {
		return "", nil, ""
	}
	rest := msg[i+len("constraint failed: "):]
	if j := strings.Index(rest, " ("); j >= 0 {
		rest = rest[:j]
	}
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if t, c, ok := strings.Cut(part, "."); ok {
			table = t
			cols = append(cols, c)
		} else {
			constraint = part
		}
	}
	return table, cols, constraint
}

func (sqliteDialect) Introspect(ctx context.Context, q Querier) (Schema, error) {
	var s Schema
	index := map[string]int{}
	rows, err := q.QueryContext(ctx, `
		SELECT m.name, p.name, lower(p.type), p."notnull", p.dflt_value IS NOT NULL, p.pk,
		       instr(upper(m.sql), 'AUTOINCREMENT') > 0
		FROM sqlite_schema m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
		ORDER BY m.name, p.cid`)
	if err != nil {
		return s, fmt.Errorf("db: introspect columns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, name, typ string
		var notNull, hasDefault bool
		var pk int
		var autoincrement bool
		if err := rows.Scan(&table, &name, &typ, &notNull, &hasDefault, &pk, &autoincrement); err != nil {
			return s, fmt.Errorf("db: introspect columns: %w", err)
		}
		col := Column{Name: name, Type: logicalType(typ), Nullable: !notNull && pk == 0, HasDefault: hasDefault}
		if pk > 0 && autoincrement {
			col.HasDefault = true // an AUTOINCREMENT rowid, like an identity column
		}
		i, ok := index[table]
		if !ok {
			i = len(s.Tables)
			index[table] = i
			s.Tables = append(s.Tables, Table{Name: table})
		}
		t := &s.Tables[i]
		t.Columns = append(t.Columns, col)
		if pk > 0 {
			for len(t.PrimaryKey) < pk {
				t.PrimaryKey = append(t.PrimaryKey, "")
			}
			t.PrimaryKey[pk-1] = name
		}
	}
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("db: introspect columns: %w", err)
	}
	rows.Close()

	for i := range s.Tables {
		t := &s.Tables[i]
		fks, err := sqliteForeignKeys(ctx, q, t.Name)
		if err != nil {
			return s, err
		}
		t.ForeignKeys = fks
		uniques, err := sqliteUniques(ctx, q, t.Name)
		if err != nil {
			return s, err
		}
		t.Uniques = uniques
	}
	s.sort()
	return s, nil
}

func sqliteForeignKeys(ctx context.Context, q Querier, table string) ([]ForeignKey, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, "table", "from", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table)
	if err != nil {
		return nil, fmt.Errorf("db: introspect foreign keys of %s: %w", table, err)
	}
	defer rows.Close()
	var fks []ForeignKey
	last := -1
	for rows.Next() {
		var id int
		var ref, from, to, onDelete string
		if err := rows.Scan(&id, &ref, &from, &to, &onDelete); err != nil {
			return nil, fmt.Errorf("db: introspect foreign keys of %s: %w", table, err)
		}
		if id != last {
			fks = append(fks, ForeignKey{RefTable: ref, OnDelete: onDelete})
			last = id
		}
		fk := &fks[len(fks)-1]
		fk.Columns = append(fk.Columns, from)
		fk.RefColumns = append(fk.RefColumns, to)
	}
	return fks, rows.Err()
}

func sqliteUniques(ctx context.Context, q Querier, table string) ([][]string, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT l.name, i.name FROM pragma_index_list(?) l JOIN pragma_index_info(l.name) i
		WHERE l."unique" = 1 AND l.origin <> 'pk' ORDER BY l.name, i.seqno`, table)
	if err != nil {
		return nil, fmt.Errorf("db: introspect unique indexes of %s: %w", table, err)
	}
	defer rows.Close()
	var out [][]string
	last := ""
	for rows.Next() {
		var index, col string
		if err := rows.Scan(&index, &col); err != nil {
			return nil, fmt.Errorf("db: introspect unique indexes of %s: %w", table, err)
		}
		if index != last {
			out = append(out, nil)
			last = index
		}
		out[len(out)-1] = append(out[len(out)-1], col)
	}
	return out, rows.Err()
}
