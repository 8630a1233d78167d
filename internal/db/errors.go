package db

import (
	"errors"
	"fmt"
)

// ErrNotFound is returned when a row that must exist does not.
var ErrNotFound = errors.New("db: not found")

// ConstraintKind names the kind of a violated constraint.
type ConstraintKind int

const (
	// ViolationUnique is a unique or primary-key violation.
	ViolationUnique ConstraintKind = iota + 1
	// ViolationForeignKey is a reference to a missing row (or a delete of a referenced one).
	ViolationForeignKey
	// ViolationCheck is a CHECK constraint or a trigger's refusal.
	ViolationCheck
	// ViolationNotNull is a NULL in a NOT NULL column.
	ViolationNotNull
)

func (k ConstraintKind) String() string {
	switch k {
	case ViolationUnique:
		return "unique"
	case ViolationForeignKey:
		return "foreign key"
	case ViolationCheck:
		return "check"
	case ViolationNotNull:
		return "not null"
	}
	return "unknown"
}

// ConstraintError is a constraint violation, translated by the dialect from
// the driver's error so that callers never look at backend codes.
type ConstraintError struct {
	Kind ConstraintKind
	// Table and Columns are filled where the backend reports them.
	Table   string
	Columns []string
	// Constraint is the constraint name where the backend reports it.
	Constraint string

	cause error
}

func (e *ConstraintError) Error() string {
	return fmt.Sprintf("db: %s constraint violated (table %q, columns %v, constraint %q): %v",
		e.Kind, e.Table, e.Columns, e.Constraint, e.cause)
}

func (e *ConstraintError) Unwrap() error { return e.cause }

// AsConstraint returns the ConstraintError in err's chain, if any.
func AsConstraint(err error) (*ConstraintError, bool) {
	var ce *ConstraintError
	ok := errors.As(err, &ce)
	return ce, ok
}
