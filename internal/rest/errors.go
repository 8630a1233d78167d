package rest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"tunebase/internal/apierr"
	"tunebase/internal/db"
	"tunebase/internal/rest/query"
)

func badRequest(code apierr.Code, format string, args ...any) *apierr.Error {
	return apierr.Newf(http.StatusBadRequest, code, format, args...)
}

func invalidValue(field, why string) *apierr.Error {
	return apierr.Newf(http.StatusBadRequest, apierr.ValidationInvalidFormat, "%s: %s", field, why).
		WithDetails(map[string]string{"field": field})
}

func unknownColumn(table, column string) *apierr.Error {
	return apierr.Newf(http.StatusBadRequest, apierr.PGRSTUnknownColumn, "Could not find the '%s' column of '%s' in the schema cache", column, table)
}

func unknownTable(name string) *apierr.Error {
	return apierr.Newf(http.StatusNotFound, apierr.PGRSTUnknownRelation, "Could not find the table 'public.%s' in the schema cache", name).
		WithHint("The tables are profiles, artists, projects, tracks, track_versions and ai_generations.")
}

var errForbidden = apierr.New(http.StatusForbidden, apierr.PGRSTRowRule, "new row violates row-level security policy").
	WithHint("A row must belong to you: its user_id, or the owner of its parent (artist, project, track).")

// fromParse turns a parse error into a 400.
func fromParse(err error) error {
	var pe *query.Error
	if errors.As(err, &pe) {
		return apierr.New(http.StatusBadRequest, apierr.PGRSTParse, pe.Message).WithDetails(map[string]string{"parameter": pe.Param})
	}
	return err
}

// fromDB maps constraint violations and raised row-rule errors to client
// errors; anything else stays internal.
func fromDB(table string, err error) error {
	var re *db.RaiseError
	if errors.As(err, &re) {
		switch re.Code {
		case db.RaiseForbidden:
			return errForbidden.WithCause(err)
		case db.RaiseForeignKey:
			return apierr.New(http.StatusConflict, apierr.PGRSTForeignKey, re.Message).WithCause(err)
		case db.RaiseInvalid:
			return apierr.New(http.StatusBadRequest, apierr.ValidationInvalidFormat, "invalid value: "+cleanMessage(re.Message)).WithCause(err)
		}
	}
	ce, ok := db.AsConstraint(err)
	if !ok {
		return err
	}
	cols := strings.Join(ce.Columns, ", ")
	switch ce.Kind {
	case db.ViolationUnique:
		msg := fmt.Sprintf("duplicate key value violates unique constraint on %s (%s)", table, cols)
		if table == "tracks" {
			msg = "a track with this track_number already exists in the project"
		}
		return apierr.New(http.StatusConflict, apierr.PGRSTUniqueViolation, msg).WithDetails(map[string]any{"columns": ce.Columns}).WithCause(err)
	case db.ViolationForeignKey:
		return apierr.Newf(http.StatusConflict, apierr.PGRSTForeignKey, "the referenced row does not exist (%s)", cols).WithCause(err)
	case db.ViolationNotNull:
		return apierr.Newf(http.StatusBadRequest, apierr.ValidationRequiredField, "%s is required", cols).WithCause(err)
	case db.ViolationCheck:
		return apierr.New(http.StatusBadRequest, apierr.ValidationInvalidFormat, "a value is out of range or not allowed").WithCause(err)
	}
	return err
}

// cleanMessage keeps a database message from echoing SQL.
func cleanMessage(m string) string {
	if i := strings.Index(m, "\n"); i >= 0 {
		m = m[:i]
	}
	if len(m) > 200 {
		m = m[:200]
	}
	return m
}

func tooLong(field string, max int) *apierr.Error {
	return apierr.Newf(http.StatusBadRequest, apierr.ValidationValueTooLong, "%s must be at most %d characters", field, max).
		WithDetails(map[string]any{"field": field, "max_length": max})
}

func requiredField(field string) *apierr.Error {
	return apierr.Newf(http.StatusBadRequest, apierr.ValidationRequiredField, "%s is required", field).
		WithDetails(map[string]string{"field": field})
}

// NoFunction answers /rest/v1/rpc/{fn} for a function that does not exist
// (no RPC function is served yet), as PostgREST does.
func NoFunction(w http.ResponseWriter, r *http.Request) error {
	return apierr.Newf(http.StatusNotFound, apierr.PGRSTUnknownFunction,
		"Could not find the function public.%s in the schema cache", r.PathValue("fn"))
}
