package syntax

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in        string
		want      []word
		unmatched int
	}{
		{"a  b\tc", []word{{"a", false, 0}, {"b", false, 3}, {"c", false, 5}}, -1},
		{`"a b" c`, []word{{"a b", true, 0}, {"c", false, 6}}, -1},
		{`"abc"def`, []word{{"abc", true, 0}, {"def", false, 5}}, -1},
		{`abc"def"`, []word{{"abc", false, 0}, {"def", true, 3}}, -1},
		{`x ""`, []word{{"x", false, 0}, {"", true, 2}}, -1},
		{`'a b'`, []word{{"'a", false, 0}, {"b'", false, 3}}, -1},
		{`k "abc`, []word{{"k", false, 0}}, 2},
		{"a\vb\fc", []word{{"a", false, 0}, {"b", false, 2}, {"c", false, 4}}, -1},
		{"", nil, -1},
	}
	for _, tt := range tests {
		got, unmatched := tokenize(tt.in)
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(word{})); diff != "" || unmatched != tt.unmatched {
			t.Errorf("tokenize(%q): unmatched %d (want %d), words (-want +got):\n%s", tt.in, unmatched, tt.unmatched, diff)
		}
	}
}

// TestGrammarLexString drives the participle grammar through its own
// Lex entry point, as a stand-alone lexer.Definition user would.
func TestGrammarLexString(t *testing.T) {
	g, err := grammar.ParseString("x.conf", "a {\n b 1 # c\n}\n}\n{ d }\n")
	if err != nil {
		t.Fatal(err)
	}
	c := converter{}
	got := render(&File{Stmts: c.file(g)})
	if diff := cmp.Diff([]string{"1:1 a {", "  2:2 b 1", "}", "5:3 d"}, got); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
	if want := []string{"x.conf:4:1: warning: }: extra '}' found, no block is open", "x.conf:5:1: warning: {: unexpected '{' - ignoring, expected a statement before it"}; !cmp.Equal(want, msgs(c.diags.sorted())) {
		t.Errorf("diagnostics %v, want %v", msgs(c.diags.sorted()), want)
	}
}

func TestRaw(t *testing.T) {
	f, _ := ParseBytes("t.conf", []byte("notify_master   \"/bin/x 'a b'\"  root  # c\n\"kw q\" rest\nsolo\n"+
		"script '/bin/echo a' \\#x\n"), testOpts)
	var got []string
	for _, s := range f.Stmts {
		got = append(got, s.Keyword+"|"+s.Raw)
	}
	want := []string{`notify_master|"/bin/x 'a b'"  root`, "kw q|rest", "solo|", "script|'/bin/echo a' #x"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Raw (-want +got):\n%s", diff)
	}
}
