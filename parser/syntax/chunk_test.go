package syntax

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestChunkedParse: parsing the token stream in pieces (one top-level item
// each, in parallel) gives the tree and diagnostics of parsing it whole,
// on the samples and on random brace soup.
func TestChunkedParse(t *testing.T) {
	inputs := map[string]string{}
	for _, pattern := range []string{"testdata/*.conf", "testdata/kadiff/*.conf", "/work/shared/samples/keepalived.conf.*"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			if data, err := os.ReadFile(p); err == nil {
				inputs[p] = string(data)
			}
		}
	}
	frags := []string{"a", "b 1", `"q x" y`, "{", "}", "{ x }", "} }", "c {", "d \"u", "k \"a{b}\" {", "x } y { z", ""}
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 500 {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(frags[r.IntN(len(frags))] + "\n")
		}
		inputs[fmt.Sprintf("random%d", n)] = b.String()
	}
	defer func(n int) { chunkTokens = n }(chunkTokens)
	for name, src := range inputs {
		chunkTokens = 1 << 30
		whole, wholeDiags := ParseBytes("t.conf", []byte(src), testOpts)
		chunkTokens = 1
		pieces, piecesDiags := ParseBytes("t.conf", []byte(src), testOpts)
		if diff := cmp.Diff(render(whole), render(pieces)); diff != "" {
			t.Errorf("%s: statements (-whole +pieces):\n%s", name, diff)
		}
		if diff := cmp.Diff(msgs(wholeDiags), msgs(piecesDiags)); diff != "" {
			t.Errorf("%s: diagnostics (-whole +pieces):\n%s", name, diff)
		}
	}
}

func TestTopLevelChunks(t *testing.T) {
	p := newPreprocessor(testOpts)
	p.file("t.conf", "/t.conf", []byte("a {\nb {\n}\n}\n}\nc\n}\n{\nd\n"))
	toks, _, _, _ := tokenStream(p.out, true, p.lim.Words)
	var got []int
	for _, c := range topLevelChunks(toks, 1) {
		got = append(got, len(c))
	}
	// a{ b{ } }, stray }, c, then stray } and { d EOF: an item open at
	// end of file does not end, so it stays with the one before.
	if want := []int{4, 1, 1, 4}; !cmp.Equal(want, got) {
		t.Errorf("piece lengths %v, want %v", got, want)
	}
}
