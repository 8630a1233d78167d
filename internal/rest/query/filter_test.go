package query

import (
	"strings"
	"testing"
)

func TestFilters(t *testing.T) {
	t.Parallel()
	runOK(t, filterCases)
}

func TestFilterErrors(t *testing.T) {
	t.Parallel()
	runErr(t, filterErrCases)
}

func TestLogic(t *testing.T) {
	t.Parallel()
	runOK(t, logicCases)
}

func TestLogicErrors(t *testing.T) {
	t.Parallel()
	runErr(t, logicErrCases)
}

func logicNest(depth int) string {
	return "(" + strings.Repeat("or(", depth-1) + "a.eq.1" + strings.Repeat(")", depth)
}

var filterCases = []okCase{
	{"eq", "title=eq.Hello", `t{* where(title eq "Hello")}`},
	{"eq empty", "title=eq.", `t{* where(title eq "")}`},
	{"value keeps dots and parens", "v=eq.a.b(c)", `t{* where(v eq "a.b(c)")}`},
	{"value keeps spaces", "v=eq.a+b+", `t{* where(v eq "a b ")}`},
	{"value with comma", "v=eq.a%2Cb", `t{* where(v eq "a,b")}`},
	{"each operator", "a=neq.1&b=gt.1&c=gte.1&d=lt.1&e=lte.1&f=isdistinct.null&g=match.%5Ea&h=imatch.b%24",
		`t{* where(a neq "1", b gt "1", c gte "1", d lt "1", e lte "1", f isdistinct "null", g match "^a", h imatch "b$")}`},
	{"array and range operators", "a=cs.{1,2}&b=cd.{x}&c=ov.[1,5)&d=sl.(1,2)&e=sr.(1,2)&f=nxr.(1,2)&g=nxl.(1,2)&h=adj.(1,2)",
		`t{* where(a cs "{1,2}", b cd "{x}", c ov "[1,5)", d sl "(1,2)", e sr "(1,2)", f nxr "(1,2)", g nxl "(1,2)", h adj "(1,2)")}`},
	{"cs json", `m=cs.{"genre":"x"}`, `t{* where(m cs "{\"genre\":\"x\"}")}`},
	{"like keeps star", "title=like.*x*&b=ilike.A*", `t{* where(b ilike "A*", title like "*x*")}`},
	{"not", "status=not.eq.draft", `t{* where(status not.eq "draft")}`},
	{"in", "id=in.(1,2,3)", `t{* where(id in "(1,2,3)" ["1" "2" "3"])}`},
	{"not in", "id=not.in.(1,2)", `t{* where(id not.in "(1,2)" ["1" "2"])}`},
	{"in quoted", `t=in.("a,b",c)`, `t{* where(t in "(\"a,b\",c)" ["a,b" "c"])}`},
	{"in escapes", `t=in.("a\"b","c\\d","e)")`, `t{* where(t in "(\"a\\\"b\",\"c\\\\d\",\"e)\")" ["a\"b" "c\\d" "e)"])}`},
	{"in empty", "id=in.()", `t{* where(id in "()" [])}`},
	{"in empty element", "id=in.(a,)", `t{* where(id in "(a,)" ["a" ""])}`},
	{"in spaces kept", "id=in.(a+b,+c)", `t{* where(id in "(a b, c)" ["a b" " c"])}`},
	{"is null", "d=is.null", `t{* where(d is "null")}`},
	{"is case-insensitive", "a=is.NULL&b=is.True&c=is.false&d=is.Unknown&e=is.not_null", `t{* where(a is "null", b is "true", c is "false", d is "unknown", e is "not_null")}`},
	{"not is", "d=not.is.null", `t{* where(d not.is "null")}`},
	{"like any", "title=like(any).{a*,b*}", `t{* where(title like(any) "{a*,b*}" ["a*" "b*"])}`},
	{"ilike all", `title=ilike(all).{"a,*",+b*+}`, `t{* where(title ilike(all) "{\"a,*\", b* }" ["a,*" "b*"])}`},
	{"eq any", "id=eq(any).{1,2}", `t{* where(id eq(any) "{1,2}" ["1" "2"])}`},
	{"any empty", "id=neq(all).{}", `t{* where(id neq(all) "{}" [])}`},
	{"fts", "body=fts.cat+%26+dog", `t{* where(body fts "cat & dog")}`},
	{"fts config", "body=fts(english).query", `t{* where(body fts(english) "query")}`},
	{"plfts phfts wfts", "a=plfts(simple).x+y&b=phfts.x&c=not.wfts(french).x+or+y",
		`t{* where(a plfts(simple) "x y", b phfts "x", c not.wfts(french) "x or y")}`},
	{"json path column", "metadata->>genre=eq.Electronic", `t{* where(metadata->>"genre" eq "Electronic")}`},
	{"json index column", "w->0=gt.1", `t{* where(w->0 gt "1")}`},
	{"quoted column", `"my.col"=eq.1`, `t{* where(my.col eq "1")}`},
	{"column with space", "my+col=eq.1", `t{* where(my col eq "1")}`},
	{"column named not", "not=eq.1", `t{* where(not eq "1")}`},
	{"blank keyword column", "+order=eq.1&+or=eq.2&+limit=eq.3", `t{* where(limit eq "3", or eq "2", order eq "1")}`},
	{"quoted keyword column", `"order"=eq.1&"limit"=eq.2&"or"=eq.3`, `t{* where(limit eq "2", or eq "3", order eq "1")}`},
	{"repeated key", "a=gt.1&a=lt.5", `t{* where(a gt "1", a lt "5")}`},
	{"keys sorted", "b=eq.1&a=eq.2", `t{* where(a eq "2", b eq "1")}`},
	{"embed filter", "select=*,tracks(*)&tracks.title=eq.x", `t{*,tracks{* where(title eq "x")}}`},
	{"nested embed filter", "select=*,tracks(*,track_versions(*))&tracks.track_versions.source=eq.upload",
		`t{*,tracks{*,track_versions{* where(source eq "upload")}}}`},
	{"embed filter by alias", "select=a:artists(*)&a.name=eq.x", `t{a:artists{* where(name eq "x")}}`},
	{"embed filter json path", "select=tracks(*)&tracks.metadata->>bpm=gt.120", `t{tracks{* where(metadata->>"bpm" gt "120")}}`},
	{"embed filter spread", "select=...artists(name)&artists.name=eq.x", `t{...artists{name where(name eq "x")}}`},
	{"alias preferred over name", "select=artists:x(*),artists(*)&artists.a=eq.1", `t{artists:x{* where(a eq "1")},artists{*}}`},
	{"unaliased preferred", "select=b:artists(*),artists(*)&artists.a=eq.1", `t{b:artists{*},artists{* where(a eq "1")}}`},
	{"aliased name as fallback", "select=b:artists(*)&artists.a=eq.1", `t{b:artists{* where(a eq "1")}}`},
}

var filterErrCases = []errCase{
	{"unknown operator", "a=bogus.1", "a", `failed to parse filter (bogus.1): unknown operator "bogus"`},
	{"no operator", "a=1", "a", `failed to parse filter (1): unexpected "1" expecting operator (eq, gt, ...)`},
	{"empty value", "a=", "a", `failed to parse filter (): unexpected end of input expecting operator`},
	{"bare key", "a", "a", "failed to parse filter ()"},
	{"no dot", "a=eq", "a", `unexpected end of input expecting "."`},
	{"uppercase op", "a=EQ.1", "a", `unknown operator "EQ"`},
	{"double not", "a=not.not.eq.1", "a", `unknown operator "not"`},
	{"op glued to value", "a=eq1", "a", `unexpected "1" expecting "."`},
	{"in without list", "a=in.1,2", "a", `unexpected "1" expecting "("`},
	{"in unclosed", "a=in.(1,2", "a", `unexpected end of input expecting "," or ")"`},
	{"in trailing", "a=in.(1)x", "a", `unexpected "x" expecting end of input`},
	{"in quote then junk", `a=in.("x"y)`, "a", `unexpected "y" expecting "," or ")"`},
	{"in unclosed quote", `a=in.("x)`, "a", "expecting closing quote"},
	{"in modifier", "a=in(any).(1)", "a", "operator in takes no modifier"},
	{"is bogus", "a=is.maybe", "a", `unknown "is" value "maybe"`},
	{"is empty", "a=is.", "a", `unknown "is" value ""`},
	{"is trailing", "a=is.nullx", "a", `unknown "is" value "nullx"`},
	{"bad quantifier", "a=eq(some).{1}", "a", `unknown modifier "some" for operator eq`},
	{"empty quantifier", "a=eq().{1}", "a", `unexpected ")" expecting "any" or "all"`},
	{"quantifier unclosed", "a=eq(any.{1}", "a", `unexpected "." expecting ")"`},
	{"quantifier needs braces", "a=eq(any).1", "a", `unexpected "1" expecting "{"`},
	{"quantifier unclosed list", "a=like(any).{a,b", "a", `unexpected end of input expecting "," or "}"`},
	{"quantifier empty element", "a=like(any).{a,,b}", "a", `unexpected "," expecting array element`},
	{"quantifier nested", "a=eq(any).{{1}}", "a", `unexpected "{" expecting array element`},
	{"quantifier trailing", "a=eq(any).{1}x", "a", `unexpected "x" expecting end of input`},
	{"quantifier on cs", "a=cs(any).{1}", "a", "operator cs takes no modifier"},
	{"empty fts config", "a=fts().x", "a", `unexpected ")" expecting text search configuration`},
	{"bad fts config", "a=fts(a-b).x", "a", `unexpected "-" expecting ")"`},
	{"bad key", "a)b=eq.1", "a)b", `failed to parse tree path (a)b): unexpected ")" expecting ".", "->" or end of input`},
	{"empty key", "=eq.1", "", "failed to parse tree path ()"},
	{"empty path segment", "a..b=eq.1", "a..b", `unexpected "." expecting field name`},
	{"key after json path", "a->b.c=eq.1", "a->b.c", `unexpected "." expecting "->" or end of input`},
	{"blank keyword in path", "select=a(*)&a.+limit=eq.3&a.+not.or=(b.eq.1)", "a. not.or", "'a.not' is not an embedded resource"},
	{"unknown embed", "tracks.title=eq.x", "tracks.title", "'tracks' is not an embedded resource in this request"},
	{"unknown nested embed", "select=tracks(*)&tracks.versions.a=eq.x", "tracks.versions.a", "'tracks.versions' is not an embedded resource"},
	{"query too large", "a=eq." + strings.Repeat("x", 64<<10), "query", "larger than 65536 bytes"},
}

var logicCases = []okCase{
	{"or", "or=(a.eq.1,b.eq.2)", `t{* where(or(a eq "1", b eq "2"))}`},
	{"and", "and=(a.gte.1,a.lte.2)", `t{* where(and(a gte "1", a lte "2"))}`},
	{"not or", "not.or=(a.eq.1,b.eq.2)", `t{* where(not.or(a eq "1", b eq "2"))}`},
	{"not and", "not.and=(a.eq.1)", `t{* where(not.and(a eq "1"))}`},
	{"nested", "or=(status.eq.draft,and(type.eq.ep,title.ilike.*x*))", `t{* where(or(status eq "draft", and(type eq "ep", title ilike "*x*")))}`},
	{"nested not", "and=(a.eq.1,not.or(b.eq.2,c.is.null))", `t{* where(and(a eq "1", not.or(b eq "2", c is "null")))}`},
	{"not filter", "or=(a.not.eq.1,b.not.in.(1,2))", `t{* where(or(a not.eq "1", b not.in "(1,2)" ["1" "2"]))}`},
	{"quoted value", `or=(title.eq."a,b",title.eq."x)(y",t.eq."q\"q")`, `t{* where(or(title eq "a,b", title eq "x)(y", t eq "q\"q"))}`},
	{"in list", `or=(id.in.(1,2),t.in.("a,b",c),x.in.())`, `t{* where(or(id in "(1,2)" ["1" "2"], t in "(\"a,b\",c)" ["a,b" "c"], x in "()" []))}`},
	{"braces", `or=(tags.cs.{a,b},m.cd.{"k":"}"})`, `t{* where(or(tags cs "{a,b}", m cd "{\"k\":\"}\"}"))}`},
	{"quantifier", "or=(t.like(any).{a*,b*},id.eq(all).{1})", `t{* where(or(t like(any) "{a*,b*}" ["a*" "b*"], id eq(all) "{1}" ["1"]))}`},
	{"fts", "or=(body.fts(english).cat+%26+dog,body.wfts.x)", `t{* where(or(body fts(english) "cat & dog", body wfts "x"))}`},
	{"is", "or=(a.is.NULL,b.is.true)", `t{* where(or(a is "null", b is "true"))}`},
	{"json path", "or=(metadata->>genre.eq.x,w->0.gt.1)", `t{* where(or(metadata->>"genre" eq "x", w->0 gt "1"))}`},
	{"blanks", "or=(+a.eq.1+,+and+(+b.eq.2+)+)", `t{* where(or(a eq "1 ", and(b eq "2 ")))}`},
	{"empty value", "or=(a.eq.,b.eq.)", `t{* where(or(a eq "", b eq ""))}`},
	{"columns named and, or, not", "or=(and.eq.1,or.eq.2,not.eq.3,not.not.eq.4)", `t{* where(or(and eq "1", or eq "2", not eq "3", not not.eq "4"))}`},
	{"quoted column", `or=("my.col".eq.1)`, `t{* where(or(my.col eq "1"))}`},
	{"repeated", "or=(a.eq.1)&or=(b.eq.2)", `t{* where(or(a eq "1"), or(b eq "2"))}`},
	{"embed", "select=*,tracks(*)&tracks.or=(a.eq.1,b.eq.2)", `t{*,tracks{* where(or(a eq "1", b eq "2"))}}`},
	{"embed not", "select=*,tracks(*)&tracks.not.and=(a.eq.1)", `t{*,tracks{* where(not.and(a eq "1"))}}`},
	{"depth 16", "or=" + logicNest(16), `t{* where(` + strings.Repeat("or(", 16) + `a eq "1"` + strings.Repeat(")", 16) + `)}`},
	{"mixed with filters", "a=eq.1&or=(b.eq.2,c.eq.3)", `t{* where(a eq "1", or(b eq "2", c eq "3"))}`},
}

var logicErrCases = []errCase{
	{"empty", "or=()", "or", `failed to parse logic tree (()): unexpected ")" expecting field name, negation operator (not) or logic operator (and, or)`},
	{"no parens", "or=a.eq.1", "or", `unexpected "a" expecting "("`},
	{"empty value", "or=", "or", `unexpected end of input expecting "("`},
	{"unclosed", "or=(a.eq.1", "or", `unexpected end of input expecting "," or ")"`},
	{"trailing", "or=(a.eq.1)x", "or", `unexpected "x" expecting end of input`},
	{"trailing comma", "or=(a.eq.1,)", "or", `unexpected ")" expecting field name`},
	{"in not a list", "or=(id.in.1,2,id.eq.3)", "or", `unexpected "1" expecting "("`},
	{"bad nested op", "and=(ord(id.eq.1),id.eq.2)", "and", `unexpected "(" expecting "." or "->"`},
	{"not xor", "or=(id.eq.1,not.xor(id.eq.2))", "or", `unknown operator "xor"`},
	{"unknown operator", "or=(a.bogus.1)", "or", `unknown operator "bogus"`},
	{"no operator", "or=(a)", "or", `unexpected ")" expecting "." or "->"`},
	{"embed path in tree", "or=(tracks.title.eq.x)", "or", `unknown operator "title"`},
	{"quoted then junk", `or=(a.eq."x"y)`, "or", `unexpected "y" expecting "," or ")"`},
	{"unclosed quote", `or=(a.eq."x)`, "or", "expecting closing quote"},
	{"unclosed brace", "or=(a.cs.{1,2)", "or", `expecting "}"`},
	{"is junk", "or=(a.is.maybe)", "or", `unknown "is" value "maybe"`},
	{"too deep", "or=" + logicNest(17), "or", "nested deeper than 16 levels"},
	{"unknown embed", "tracks.or=(a.eq.1)", "tracks.or", "'tracks' is not an embedded resource"},
}
