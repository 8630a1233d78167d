// Package policy holds the row rules of SPEC.md — who may read and write
// which rows — in one place. The REST planner, RPC functions, realtime and
// storage all ask it: as SQL predicates injected into queries, or as
// answers about one row.
//
//   - A user reads and writes their own rows: own profile, artists, the
//     projects of own artists, their tracks and versions, own generations.
//   - Published content is public: a published project, its tracks and
//     versions, its artist, and every profile, for anyone (anon too).
//   - ai_generations is written only by the server (service_role).
//   - service_role bypasses everything.
package policy

import (
	"net/http"
	"strings"

	"tunebase/internal/apierr"
	"tunebase/internal/db"
	"tunebase/internal/principal"
)

// Owner says how a table's rows belong to a user.
type Owner struct {
	// Column is the owner column (user_id on every exposed table).
	Column string
	// ParentTable and ParentColumn are set when the owner is inherited from
	// a parent row: the row belongs to whoever owns the parent, and the
	// owner column is filled from it.
	ParentTable  string
	ParentColumn string
}

var owners = map[string]Owner{
	"profiles":       {Column: "user_id"},
	"artists":        {Column: "user_id"},
	"ai_generations": {Column: "user_id"},
	"projects":       {Column: "user_id", ParentTable: "artists", ParentColumn: "artist_id"},
	"tracks":         {Column: "user_id", ParentTable: "projects", ParentColumn: "project_id"},
	"track_versions": {Column: "user_id", ParentTable: "tracks", ParentColumn: "track_id"},
}

// OwnerOf returns how rows of table are owned.
func OwnerOf(table string) (Owner, bool) {
	o, ok := owners[table]
	return o, ok
}

// ErrServerWritten refuses writes to ai_generations by users.
var ErrServerWritten = apierr.New(http.StatusForbidden, apierr.PGRSTRowRule,
	"ai_generations is written only by the server; use the generate-track function").
	WithHint("Generations are created by POST /functions/v1/generate-track or rpc/generate_ai_track.")

// CheckTableWrite refuses, before any SQL, writes no row could pass.
func CheckTableWrite(table string, p principal.Principal) error {
	if p.IsService() {
		return nil
	}
	if !p.IsUser() {
		return apierr.New(http.StatusUnauthorized, apierr.AuthInvalidToken, "sign in to change "+table).
			WithHint("Send the user's access token as Authorization: Bearer <token>.")
	}
	if table == "ai_generations" {
		return ErrServerWritten
	}
	return nil
}

// publishedSQL returns a predicate true when the row aliased a is part of
// published content. Only trusted, fixed SQL is produced here.
func publishedSQL(table, a string) string {
	col := func(alias, c string) string { return alias + "." + db.Ident(c) }
	base := strings.Trim(a, `"`)
	pp := base + "_pp"
	tt := base + "_tt"
	switch table {
	case "profiles":
		return "1 = 1"
	case "projects":
		return col(a, "status") + " = 'published'"
	case "artists":
		return "EXISTS (SELECT 1 FROM projects AS " + pp + " WHERE " + col(pp, "artist_id") + " = " + col(a, "id") +
			" AND " + col(pp, "status") + " = 'published')"
	case "tracks":
		return "EXISTS (SELECT 1 FROM projects AS " + pp + " WHERE " + col(pp, "id") + " = " + col(a, "project_id") +
			" AND " + col(pp, "status") + " = 'published')"
	case "track_versions":
		return "EXISTS (SELECT 1 FROM tracks AS " + tt + " JOIN projects AS " + pp + " ON " + col(pp, "id") + " = " + col(tt, "project_id") +
			" WHERE " + col(tt, "id") + " = " + col(a, "track_id") + " AND " + col(pp, "status") + " = 'published')"
	}
	return "1 = 0"
}

// Readable appends to b a predicate true for rows of table (aliased a)
// that p may read.
func Readable(b *db.Builder, table, a string, p principal.Principal) {
	if p.IsService() {
		b.S("1 = 1")
		return
	}
	pub := publishedSQL(table, a)
	if !p.IsUser() {
		b.S("(", pub, ")")
		return
	}
	o := owners[table]
	b.S("(", a, ".", db.Ident(o.Column), " = ", b.TypedArg(p.UserID, db.TypeUUID), " OR ", pub, ")")
}

// Writable appends to b a predicate true for existing rows of table
// (aliased a) that p may update or delete. Callers first pass
// CheckTableWrite.
func Writable(b *db.Builder, table, a string, p principal.Principal) {
	if p.IsService() {
		b.S("1 = 1")
		return
	}
	o := owners[table]
	b.S(a, ".", db.Ident(o.Column), " = ", b.TypedArg(p.UserID, db.TypeUUID))
}
