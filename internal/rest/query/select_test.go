package query

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSelect(t *testing.T) {
	t.Parallel()
	runOK(t, selectCases)
}

func TestSelectItemsShareFields(t *testing.T) {
	t.Parallel()
	req, err := Parse("projects", mustQuery(t, "select=id,a:artists(name),title::text"))
	require.NoError(t, err)
	root := req.Root
	require.Equal(t, &Node{
		Name:   "projects",
		Fields: []Field{{Column: "id"}, {Column: "title", Cast: "text"}},
		Embeds: []*Node{{Name: "artists", Alias: "a", Fields: []Field{{Column: "name"}}, Items: []any{&Field{Column: "name"}}}},
		Items:  []any{&Field{Column: "id"}, &Node{Name: "artists", Alias: "a", Fields: []Field{{Column: "name"}}, Items: []any{&Field{Column: "name"}}}, &Field{Column: "title", Cast: "text"}},
	}, root)
	require.Same(t, &root.Fields[0], root.Items[0])
	require.Same(t, root.Embeds[0], root.Items[1])
	require.Same(t, &root.Fields[1], root.Items[2])
	require.Nil(t, root.Embeds[0].Where)
}

func TestSelectErrors(t *testing.T) {
	t.Parallel()
	runErr(t, selectErrCases)
}

func nest(depth int) string {
	return strings.Repeat("e(", depth) + "*" + strings.Repeat(")", depth)
}

func manyFields(n int) string {
	cols := make([]string, n)
	for i := range cols {
		cols[i] = "c" + strings.Repeat("x", i%3)
	}
	return strings.Join(cols, ",")
}

var selectCases = []okCase{
	{"absent", "", "t{*}"},
	{"empty", "select=", "t{*}"},
	{"blank", "select=+", "t{*}"},
	{"star", "select=*", "t{*}"},
	{"columns", "select=id,title", "t{id,title}"},
	{"alias", "select=name:title", "t{name:title}"},
	{"cast", "select=id::text", "t{id::text}"},
	{"alias and cast", "select=n:id::text", "t{n:id::text}"},
	{"json arrow", "select=metadata->genre", `t{metadata->"genre"}`},
	{"json text arrow", "select=metadata->>genre", `t{metadata->>"genre"}`},
	{"json index", "select=waveform_data->0", "t{waveform_data->0}"},
	{"json negative index", "select=a->-1", "t{a->-1}"},
	{"json chain", "select=a->b->>c", `t{a->"b"->>"c"}`},
	{"json digits then letters is a key", "select=a->1x", `t{a->"1x"}`},
	{"json quoted digits is a key", `select=a->"1"`, `t{a->"1"}`},
	{"json alias cast", "select=g:metadata->>genre::text", `t{g:metadata->>"genre"::text}`},
	{"dashed name", "select=my-col,a->b-c", `t{my-col,a->"b-c"}`},
	{"unicode name", "select=título,$x,_y", "t{título,$x,_y}"},
	{"quoted identifiers", `select="my col","a,b":"x(y)"`, `t{my col,a,b:x(y)}`},
	{"quoted escape", `select="a\"b"`, `t{a"b}`},
	{"whitespace ignored", "select=+id+,+tracks+(+*+)+", "t{id,tracks{*}}"},
	{"whitespace kept in quotes", `select="a+b"`, "t{a b}"},
	{"star and columns", "select=*,id", "t{*,id}"},
	{"embed", "select=*,tracks(*)", "t{*,tracks{*}}"},
	{"embed alias", "select=artist:artists(name)", "t{artist:artists{name}}"},
	{"embed hint", "select=artists!projects_artist_id_fkey(*)", "t{artists!projects_artist_id_fkey{*}}"},
	{"embed inner", "select=tracks!inner(*)", "t{tracks!inner{*}}"},
	{"embed left", "select=tracks!left(id)", "t{tracks{id}}"},
	{"embed hint inner", "select=a:artists!artist_id!inner(*)", "t{a:artists!artist_id!inner{*}}"},
	{"embed inner hint", "select=artists!inner!artist_id(*)", "t{artists!artist_id!inner{*}}"},
	{"embed quoted hint named inner", `select=artists!"inner"(*)`, "t{artists!inner{*}}"},
	{"spread", "select=title,...artists(artist_name:name)", "t{title,...artists{artist_name:name}}"},
	{"spread hint", "select=...artists!artist_id!inner(name)", "t{...artists!artist_id!inner{name}}"},
	{"empty embed", "select=id,tracks()", "t{id,tracks{}}"},
	{"nested", "select=projects(*,tracks(*,track_versions(*)))", "t{projects{*,tracks{*,track_versions{*}}}}"},
	{"order of items", "select=a,x(b),c,y(d),e", "t{a,x{b},c,y{d},e}"},
	{"dup star", "select=*,*", "t{*}"},
	{"depth 8", "select=" + nest(8), "t{" + strings.Repeat("e{", 8) + "*" + strings.Repeat("}", 8) + "}"},
	{"64 items", "select=" + manyFields(64), "t{" + manyFields(64) + "}"},
}

var selectErrCases = []errCase{
	{"trailing comma", "select=a,", "select", `failed to parse select parameter (a,): unexpected end of input expecting field name`},
	{"stray paren", "select=a,)", "select", `unexpected ")" expecting field name`},
	{"leading comma", "select=,a", "select", `unexpected "," expecting field name`},
	{"unclosed embed", "select=tracks(*", "select", `unexpected end of input expecting "," or ")"`},
	{"extra paren", "select=tracks(*))", "select", `unexpected ")" expecting "," or end of input`},
	{"unclosed quote", `select="abc`, "select", "expecting closing quote"},
	{"empty quoted", `select=""`, "select", "invalid quoted identifier"},
	{"star alias", "select=a:*", "select", `unexpected "*" expecting field name`},
	{"star path", "select=*->a", "select", `unexpected "-" expecting "," or end of input`},
	{"empty cast", "select=a::", "select", "expecting type name"},
	{"bad cast", "select=a::text[]", "select", `unexpected "["`},
	{"json path embed", "select=rel->x(*)", "select", `unexpected "("`},
	{"embed cast", "select=rel(*)::text", "select", `unexpected ":"`},
	{"double alias", "select=a:b:c", "select", `unexpected ":" expecting "," or end of input`},
	{"bad json key", "select=a->", "select", "expecting JSON key or array index"},
	{"bad negative index", "select=a->-x", "select", `unexpected "-"`},
	{"hint without embed", "select=a!hint", "select", `unexpected end of input expecting "("`},
	{"three embed params", "select=a!b!inner!c(*)", "select", `unexpected "!" expecting "("`},
	{"two hints", "select=a!b!c(*)", "select", "two hints"},
	{"two joins", "select=a!inner!left(*)", "select", "two join types"},
	{"empty hint", "select=a!(*)", "select", "expecting embed hint"},
	{"spread without embed", "select=...a", "select", "a spread needs an embedded resource"},
	{"spread alias", "select=x:...a(*)", "select", `unexpected "." expecting field name`},
	{"brackets", "select=id,clients(name[])", "select", `unexpected "["`},
	{"dash at end", "select=a-", "select", `unexpected "-"`},
	{"too deep", "select=" + nest(9), "select", "nested deeper than 8 levels"},
	{"too many", "select=" + manyFields(65), "select", "more than 64 fields and embeds"},
	{"too many embeds", "select=" + strings.Repeat("e(),", 64) + "e()", "select", "more than 64"},
	{"repeated", "select=a&select=b", "select", "only once"},
}
