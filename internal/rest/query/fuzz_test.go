package query

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

// seedQueries are the raw query strings of the table tests.
func seedQueries() []string {
	var qs []string
	for _, cs := range [][]okCase{selectCases, filterCases, logicCases, supabaseJSCases, orderLimitColumnsCases} {
		for _, c := range cs {
			qs = append(qs, c.query)
		}
	}
	for _, cs := range [][]errCase{selectErrCases, filterErrCases, logicErrCases, orderLimitColumnsErrCases} {
		for _, c := range cs {
			if len(c.query) < 4096 { // keep the corpus small
				qs = append(qs, c.query)
			}
		}
	}
	return qs
}

// FuzzParse checks that Parse never panics and returns either a request
// that holds the AST's invariants or an *Error.
func FuzzParse(f *testing.F) {
	for _, q := range seedQueries() {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw) // keeps what it could decode
		checkParse(t, q)
		// The same text as the value of the parameters that have their
		// own grammar, so the fuzzer reaches them without the key.
		for _, k := range []string{"select", "or", "order", "tracks.not.and", "a", "columns"} {
			checkParse(t, url.Values{"select": {"*,tracks(*)"}, k: {raw}})
		}
	})
}

func checkParse(t *testing.T, q url.Values) {
	t.Helper()
	req, err := Parse("t", q)
	if err != nil {
		var pe *Error
		if !errors.As(err, &pe) || pe == nil || req != nil {
			t.Fatalf("Parse(%q) = %v, %#v", q, req, err)
		}
		if pe.Message == "" || len(pe.Message) > 2*maxQuoted+512 {
			t.Fatalf("Parse(%q): bad message %q", q, pe.Message)
		}
		_ = pe.Error()
		return
	}
	if err := checkRequest(req); err != nil {
		t.Fatalf("Parse(%q): %v", q, err)
	}
	// With no other key that could have made it, a filter on a reserved
	// word means the reserved key itself was taken for a filter.
	if len(q) == 1 || (len(q) == 2 && q["select"] != nil) {
		for _, c := range req.Root.Where {
			if f, ok := c.(*Filter); ok && len(f.Field.Path) == 0 && reservedKeys[f.Field.Column] && q[f.Field.Column] != nil {
				t.Fatalf("Parse(%q): reserved key %q parsed as a filter", q, f.Field.Column)
			}
		}
	}
	again, err := Parse("t", q)
	if err != nil || dump(again) != dump(req) {
		t.Fatalf("Parse(%q) is not deterministic", q)
	}
}

var reservedKeys = map[string]bool{"select": true, "columns": true, "on_conflict": true, "order": true, "limit": true, "offset": true, "or": true, "and": true}

// FuzzParsePrefer checks that ParsePrefer never panics and returns either
// a value or an *Error.
func FuzzParsePrefer(f *testing.F) {
	for _, s := range []string{
		"return=representation, count=exact, missing=default",
		"resolution=ignore-duplicates, count=exact, missing=default",
		"handling=strict, max-affected=10",
		"tx=rollback", "return=bogus", "max-affected=-1", "foo, =, ,=x",
	} {
		f.Add(s, "")
	}
	f.Add("return=minimal", "handling=strict,timezone=UTC")
	f.Fuzz(func(t *testing.T, a, b string) {
		p, err := ParsePrefer([]string{a, b})
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Param != "Prefer" || p != (Prefer{}) {
				t.Fatalf("ParsePrefer(%q, %q) = %+v, %#v", a, b, p, err)
			}
			return
		}
		for _, v := range []string{p.Return, p.Count, p.Resolution, p.Missing, p.Tx, p.Handling} {
			if strings.ContainsAny(v, ", =") {
				t.Fatalf("ParsePrefer(%q, %q): value %q", a, b, v)
			}
		}
		if p.MaxAffected != nil && *p.MaxAffected < 0 {
			t.Fatalf("ParsePrefer(%q, %q): max-affected %d", a, b, *p.MaxAffected)
		}
	})
}
