package parser

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"observed reference 1.4", `/bin/echo 'a b' "c d" e\x41`, []string{"/bin/echo", "a b", "c d", "eA"}},
		{"single word", "/bin/true", []string{"/bin/true"}},
		{"all blank kinds separate", "a \t\f\n\r\vb", []string{"a", "b"}},
		{"leading and trailing blanks", "  a b  ", []string{"a", "b"}},
		{"quotes join with text", `a"b c"d`, []string{"ab cd"}},
		{"adjacent quotes", `'a'"b"`, []string{"ab"}},
		{"empty quoted word", `a '' b`, []string{"a", "", "b"}},
		{"double quote inside single", `'it"s'`, []string{`it"s`}},
		{"single quote inside double", `"it's"`, []string{"it's"}},
		{"escape inside single quotes", `'a\tb'`, []string{"a\tb"}},
		{"escaped blank joins", `a\ b`, []string{"a b"}},
		{"escaped quote", `\"a`, []string{`"a`}},
		{"escaped backslash", `a\\b`, []string{`a\b`}},
		{"named escapes", `\a\b\E\f\n\r\t\v`, []string{"\a\b\x1b\f\n\r\t\v"}},
		{"octal one digit", `\7x`, []string{"\x07x"}},
		{"octal three digits", `\101\1012`, []string{"AA2"}},
		{"octal overflow keeps low byte", `\777`, []string{"\xff"}},
		{"octal stops at 8", `\18`, []string{"\x018"}},
		{"hex one digit", `\x9z`, []string{"\x09z"}},
		{"hex many digits keeps low byte (2.2.7)", `\x4142`, []string{"B"}},
		{"hex without digit", `\xg`, []string{"xg"}},
		{"control char", `\cA\c[`, []string{"\x01\x1b"}},
		{"control at end", `a\c`, []string{"ac"}},
		{"other escape is literal", `\q\%`, []string{"q%"}},
		{"NUL cuts word", `ab\0cd ef`, []string{"ab", "ef"}},
		{"NUL by hex", `\x00-q`, []string{""}},
		{"hex eats all hex digits", `\x00abc`, []string{"\xbc"}},
		{"NUL by control", `x\c@y`, []string{"x"}},
		{"utf8 passes", "é 'ü x'", []string{"é", "ü x"}},
		{"shell test form", "</dev/tcp/127.0.0.1/22", []string{"</dev/tcp/127.0.0.1/22"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := splitCommand(tc.in)
			if err != nil {
				t.Fatalf("splitCommand(%q): %v", tc.in, err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("splitCommand(%q) mismatch (-want +got):\n%s", tc.in, d)
			}
		})
	}
}

func TestSplitCommandErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     string
		is       error
	}{
		{"empty", "", "empty command", errEmptyCommand},
		{"blanks only", " \t\n", "empty command", errEmptyCommand},
		{"unterminated double", `a "b c`, "missing terminating \"", nil},
		{"unterminated single", `'a`, "missing terminating '", nil},
		{"trailing backslash", `a\`, "missing escape char at end", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := splitCommand(tc.in)
			if err == nil {
				t.Fatalf("splitCommand(%q) = %q, want error", tc.in, got)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
		})
	}
}

// quoteWord is an inverse of splitCommand for words without NUL, used to
// check round trips.
func quoteWord(w string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(w); i++ {
		if w[i] == '\'' || w[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(w[i])
	}
	b.WriteByte('\'')
	return b.String()
}

func FuzzSplitCommand(f *testing.F) {
	for _, s := range []string{`/bin/echo 'a b' "c d" e\x41`, `\x4142 \777 \cA`, `a"b`, `'`, `\`, ``, "a\\0b c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := splitCommand(s)
		if err != nil {
			return
		}
		if len(words) == 0 {
			t.Fatalf("splitCommand(%q) returned no words and no error", s)
		}
		quoted := make([]string, len(words))
		for i, w := range words {
			if strings.IndexByte(w, 0) >= 0 {
				t.Fatalf("word %q contains NUL", w)
			}
			quoted[i] = quoteWord(w)
		}
		again, err := splitCommand(strings.Join(quoted, " "))
		if err != nil {
			t.Fatalf("re-split of %q: %v", words, err)
		}
		if d := cmp.Diff(words, again); d != "" {
			t.Fatalf("round trip mismatch (-first +second):\n%s", d)
		}
	})
}

// TestSplitScriptLineObserved pins keepalived 2.2.7's argv for raw config
// text, recorded by running keepalived with a script that dumps its argv
// (vrrp_script and notify keywords behave the same).
func TestSplitScriptLineObserved(t *testing.T) {
	tests := []struct {
		raw          string
		argv, extras []string
	}{
		{`"/d s1 'a b' \"c d\" e\x41"`, []string{"/d", "s1", "a b", "c d", "eA"}, nil},
		{`"/d s2 \\x41 \x4142 \101\1012 \cA \q"`, []string{"/d", "s2", "A", "B", "AA2", "\x01", "q"}, nil},
		{`"/d s3 a\0b c"`, []string{"/d", "s3", "a"}, nil},
		{`'/d s4 "x y" z'`, []string{"/d", "s4", "x y", "z"}, nil},
		{`"/d s5 '' x\ y"`, []string{"/d", "s5", "", "x", "y"}, nil},
		{`/d`, []string{"/d"}, nil},
		{`"/d s7 \\\\ \\' \t"`, []string{"/d", "s7", `\`, "'"}, nil},
		{`"/d n1 \x41 'p q' \\x42"`, []string{"/d", "n1", "A", "p q", "B"}, nil},
		{`'/d n2 "p q" \x43'`, []string{"/d", "n2", "p q", "C"}, nil},
		{`"/d n4 x\ y \"q r\""`, []string{"/d", "n4", "x", "y", "q r"}, nil},
		{`/d\ n5\ z`, []string{"/d", "n5", "z"}, nil},
		{`/d arg1`, []string{"/d"}, []string{"arg1"}},
		{`"/d a" root :wheel`, []string{"/d", "a"}, []string{"root", ":wheel"}},
	}
	for _, tc := range tests {
		argv, extras, err := splitScriptLine(tc.raw)
		if err != nil {
			t.Errorf("splitScriptLine(%s): %v", tc.raw, err)
			continue
		}
		if d := cmp.Diff([][]string{tc.argv, tc.extras}, [][]string{argv, extras}, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("splitScriptLine(%s) (-want +got):\n%s", tc.raw, d)
		}
	}
	for _, bad := range []string{``, `""`, `"/d`, `"\0"`} {
		if argv, _, err := splitScriptLine(bad); err == nil {
			t.Errorf("splitScriptLine(%s) = %q, want error", bad, argv)
		}
	}
}

func FuzzSplitScriptLine(f *testing.F) {
	for _, s := range []string{`"/d s1 'a b' \"c d\" e\x41"`, `/d\ n5\ z`, `"/d a\0b c"`, `"/d" root :g`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		argv, _, err := splitScriptLine(s)
		if err == nil && len(argv) == 0 {
			t.Fatalf("splitScriptLine(%q): no argv and no error", s)
		}
	})
}
