package query

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSupabaseJS covers the query strings postgrest-js generates
// (SUPABASE_WIRE.md §3), URLSearchParams-encoded.
func TestSupabaseJS(t *testing.T) {
	t.Parallel()
	runOK(t, supabaseJSCases)
}

func TestOrderLimitColumns(t *testing.T) {
	t.Parallel()
	runOK(t, orderLimitColumnsCases)
}

func TestOrderLimitColumnsErrors(t *testing.T) {
	t.Parallel()
	runErr(t, orderLimitColumnsErrCases)
}

func TestParseRequestShape(t *testing.T) {
	t.Parallel()
	req, err := Parse("projects", url.Values{
		"select":        {"id,tracks(title)"},
		"tracks.limit":  {"3"},
		"tracks.offset": {"1"},
		"id":            {"eq.5"},
		"order":         {"id.desc"},
	})
	require.NoError(t, err)
	three, one := int64(3), int64(1)
	tracks := req.Root.Embeds[0]
	require.Equal(t, "projects", req.Root.Name)
	require.False(t, req.Root.Star)
	require.Equal(t, []Condition{&Filter{Field: Field{Column: "id"}, Op: "eq", Value: "5"}}, req.Root.Where)
	require.Equal(t, []OrderTerm{{Field: Field{Column: "id"}, Desc: true}}, req.Root.Order)
	require.Equal(t, &three, tracks.Limit)
	require.Equal(t, &one, tracks.Offset)
	require.Nil(t, req.Root.Limit)
	require.Nil(t, req.Columns)
	require.Nil(t, req.OnConflict)

	// Nil and empty value slices count as absent.
	req, err = Parse("t", url.Values{"select": nil, "a": {}})
	require.NoError(t, err)
	require.Equal(t, "t{*}", dump(req))
}

func TestErrorString(t *testing.T) {
	t.Parallel()
	_, err := Parse("t", url.Values{"a": {"bogus.1"}})
	require.EqualError(t, err, `query: a: failed to parse filter (bogus.1): unknown operator "bogus"`)
}

func TestParsePrefer(t *testing.T) {
	t.Parallel()
	ten, zero := int64(10), int64(0)
	cases := []struct {
		name    string
		headers []string
		want    Prefer
	}{
		{"none", nil, Prefer{}},
		{"empty", []string{"", " , "}, Prefer{}},
		{"joined", []string{"return=representation, count=exact, missing=default"},
			Prefer{Return: "representation", Count: "exact", Missing: "default"}},
		{"repeated header", []string{"resolution=ignore-duplicates", "count=planned"},
			Prefer{Resolution: "ignore-duplicates", Count: "planned"}},
		{"max affected", []string{"handling=strict, max-affected=10"}, Prefer{Handling: "strict", MaxAffected: &ten}},
		{"max affected zero", []string{"max-affected=0"}, Prefer{MaxAffected: &zero}},
		{"tx", []string{"tx=rollback"}, Prefer{Tx: "rollback"}},
		{"every value", []string{"return=minimal,count=estimated,resolution=merge-duplicates,tx=commit,handling=lenient"},
			Prefer{Return: "minimal", Count: "estimated", Resolution: "merge-duplicates", Tx: "commit", Handling: "lenient"}},
		{"headers-only", []string{"return=headers-only"}, Prefer{Return: "headers-only"}},
		{"missing null", []string{"missing=null"}, Prefer{}},
		{"blanks", []string{"  return = minimal ,count=exact  "}, Prefer{Return: "minimal", Count: "exact"}},
		{"unknown ignored", []string{"timezone=UTC, params=single-object, foo"}, Prefer{}},
		{"names are case-sensitive", []string{"Count=Exact"}, Prefer{}},
		{"first wins", []string{"return=minimal", "return=representation"}, Prefer{Return: "minimal"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePrefer(tc.headers)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestParsePreferErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		headers []string
		msg     string
	}{
		{"bad return", []string{"return=bogus"}, "invalid preference return=bogus (expecting return=minimal|representation|headers-only)"},
		{"bad count", []string{"count=all"}, "invalid preference count=all"},
		{"bare known", []string{"return"}, "invalid preference return"},
		{"bad resolution", []string{"resolution=merge"}, "invalid preference resolution=merge"},
		{"bad missing", []string{"missing=yes"}, "invalid preference missing=yes"},
		{"bad tx", []string{"tx=abort"}, "invalid preference tx=abort"},
		{"bad handling", []string{"handling=loose"}, "invalid preference handling=loose"},
		{"bad max affected", []string{"max-affected=-1"}, "invalid preference max-affected=-1"},
		{"text max affected", []string{"max-affected=ten"}, "expecting max-affected=<non-negative integer>"},
		{"later invalid", []string{"return=minimal, return=nope"}, "invalid preference return=nope"},
		{"strict unknown", []string{"handling=strict, timezone=UTC"}, "invalid preferences given with handling=strict: timezone=UTC"},
		{"strict unknown before", []string{"foo=bar", "handling=strict"}, "handling=strict: foo=bar"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePrefer(tc.headers)
			var pe *Error
			require.ErrorAs(t, err, &pe)
			require.Equal(t, "Prefer", pe.Param)
			require.Contains(t, pe.Message, tc.msg)
			require.Equal(t, Prefer{}, got)
		})
	}
}

var supabaseJSCases = []okCase{
	{"select embed", "select=*%2Ctracks%28*%29", "t{*,tracks{*}}"},
	{"embed order and limit", "select=*%2Ctracks%28*%29&tracks.order=track_number.asc&tracks.limit=3",
		"t{*,tracks{* order(track_number.asc) limit=3}}"},
	{"range", "select=*&offset=10&limit=10", "t{* limit=10 offset=10}"},
	{"embed range", "select=id%2Ctracks%28id%29&tracks.offset=0&tracks.limit=2", "t{id,tracks{id limit=2 offset=0}}"},
	{"or nested", "or=%28status.eq.draft%2Cand%28type.eq.ep%2Ctitle.ilike.*x*%29%29",
		`t{* where(or(status eq "draft", and(type eq "ep", title ilike "*x*")))}`},
	{"referenced or", "select=*%2Ctracks%28*%29&tracks.or=%28bpm.gt.100%2Cbpm.is.null%29",
		`t{*,tracks{* where(or(bpm gt "100", bpm is "null"))}}`},
	{"in with quotes", "name=in.%28%22a%2Cb%22%2Cc%29", `t{* where(name in "(\"a,b\",c)" ["a,b" "c"])}`},
	{"notIn", "id=not.in.%281%2C2%29", `t{* where(id not.in "(1,2)" ["1" "2"])}`},
	{"likeAnyOf", "title=like%28any%29.%7Ba*%2Cb*%7D", `t{* where(title like(any) "{a*,b*}" ["a*" "b*"])}`},
	{"textSearch", "fts=fts%28english%29.query", `t{* where(fts fts(english) "query")}`},
	{"textSearch websearch", "body=wfts%28english%29.%22a+b%22+-c", `t{* where(body wfts(english) "\"a b\" -c")}`},
	{"isDistinct", "a=isdistinct.null", `t{* where(a isdistinct "null")}`},
	{"contains array", "tags=cs.%7Brock%2Cpop%7D", `t{* where(tags cs "{rock,pop}")}`},
	{"contains object", "metadata=cs.%7B%22genre%22%3A%22Rock%22%7D", `t{* where(metadata cs "{\"genre\":\"Rock\"}")}`},
	{"order multiple", "order=created_at.desc.nullslast%2Cid.asc",
		"t{* order(created_at.desc.nullslast,id.asc)}"},
	{"referenced order nullsfirst", "select=*%2Ctracks%28*%29&tracks.order=title.desc.nullsfirst",
		"t{*,tracks{* order(title.desc.nullsfirst)}}"},
	{"insert columns", "columns=%22title%22%2C%22bpm%22&select=*", `t{*} columns=["title" "bpm"]`},
	{"upsert", "on_conflict=project_id%2Ctrack_number&columns=%22a%22", `t{*} columns=["a"] on_conflict=["project_id" "track_number"]`},
	{"whitespace stripped select", "select=id%2Cname%2Cartists%28name%29", "t{id,name,artists{name}}"},
	{"match", "a=eq.1&b=eq.x", `t{* where(a eq "1", b eq "x")}`},
	{"inner join filter", "select=name%2Cinstruments%21inner%28name%29&instruments.name=eq.flute",
		`t{name,instruments!inner{name where(name eq "flute")}}`},
}

var orderLimitColumnsCases = []okCase{
	{"default asc", "order=a", "t{* order(a.asc)}"},
	{"embedded to-one column", "select=*,p:projects(title)&order=p(title).desc.nullslast,id", "t{*,p:projects{title} order(p(title).desc.nullslast,id.asc)}"},
	{"desc", "order=a.desc", "t{* order(a.desc)}"},
	{"nulls only", "order=a.nullsfirst", "t{* order(a.asc.nullsfirst)}"},
	{"nulls before direction", "order=a.nullslast.desc", "t{* order(a.desc.nullslast)}"},
	{"json", "order=metadata->>genre.desc,w->0", `t{* order(metadata->>"genre".desc,w->0.asc)}`},
	{"quoted", `order="my col".desc`, "t{* order(my col.desc)}"},
	{"blanks", "order=+a.desc+,+b+", "t{* order(a.desc,b.asc)}"},
	{"repeated appends", "order=a&order=b.desc", "t{* order(a.asc,b.desc)}"},
	{"nested embed order", "select=p(*,t(*))&p.t.order=n", "t{p{*,t{* order(n.asc)}}}"},
	{"limit zero", "limit=0&offset=0", "t{* limit=0 offset=0}"},
	{"limit max", "limit=9223372036854775807", "t{* limit=9223372036854775807}"},
	{"columns plain", "columns=a,+b", `t{*} columns=["a" "b"]`},
	{"columns quoted comma", `columns="a,b","c"`, `t{*} columns=["a,b" "c"]`},
}

var orderLimitColumnsErrCases = []errCase{
	{"empty order", "order=", "order", `failed to parse order (): unexpected end of input expecting field name`},
	{"bad modifier", "order=id.ac", "order", `unknown order modifier "ac"`},
	{"modifier glued", "order=id.desc1", "order", `unexpected "1" expecting ".", "," or end of input`},
	{"empty modifier", "order=id.", "order", `unexpected end of input expecting "asc"`},
	{"two directions", "order=id.asc.desc", "order", "two directions"},
	{"two nulls", "order=id.nullsfirst.nullslast", "order", "two nulls modifiers"},
	{"trailing comma", "order=a,", "order", "expecting field name"},
	{"embedded column unclosed", "order=clients(name.desc", "order", `expecting ")"`},
	{"embedded column with path", "order=c->a(name)", "order", "needs its plain name"},
	{"order unknown embed", "tracks.order=a", "tracks.order", "'tracks' is not an embedded resource"},
	{"negative limit", "limit=-1", "limit", "failed to parse limit parameter (-1): expecting a non-negative integer"},
	{"plus limit", "limit=%2B1", "limit", "expecting a non-negative integer"},
	{"empty limit", "limit=", "limit", "expecting a non-negative integer"},
	{"huge limit", "limit=9223372036854775808", "limit", "expecting a non-negative integer"},
	{"text offset", "offset=ten", "offset", "failed to parse offset parameter (ten)"},
	{"repeated limit", "limit=1&limit=2", "limit", "more than once"},
	{"limit twice via alias", "select=a:x(*)&a.limit=1&x.limit=2", "x.limit", "more than once"},
	{"embed limit unknown", "tracks.limit=1", "tracks.limit", "'tracks' is not an embedded resource"},
	{"empty columns", "columns=", "columns", "failed to parse columns parameter ()"},
	{"bad columns", "columns=a,,b", "columns", `unexpected "," expecting column name`},
	{"columns trailing junk", `columns="a"b`, "columns", `unexpected "b" expecting "," or end of input`},
	{"repeated columns", "columns=a&columns=b", "columns", "only once"},
	{"bad on_conflict", "on_conflict=a(b)", "on_conflict", "failed to parse on_conflict parameter (a(b))"},
}
