package syntax

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzParse: ParseBytes must not panic on any input, must return a File,
// and every statement and diagnostic must carry a position in the input.
// Includes resolve in a small in-memory tree, so include lines are
// exercised too.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/*.conf", "../../testdata/configs/*", "/work/shared/samples/keepalived.conf.*"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	for _, s := range []string{
		"$A=10\n$B=${A}.2\nrouter_id r_${B}$EMPTY}\n",
		"~SEQ(N, 1, 2, 5) 10.${N}.0.0/16 via 192.0.2.1\n",
		"~LST({A,B}, {7,1},{8,2}) 10.${A}.${B}.0/24\n",
		"$M=a \\\n b { \\\n}\nx {\n$M\n",
		"notification_email_from \"abc\"def\nvirtual_router_id \\\n51\n",
		"include inc/{a,b}.conf\n@x y\n@^x z\n",
		"a{b{c}}}}{{\"",
	} {
		f.Add([]byte(s))
	}
	fsys := fstest.MapFS{
		"inc/a.conf": {Data: []byte("a {\n include b.conf\n"), Mode: 0o644},
		"inc/b.conf": {Data: []byte("}\n$X=1\n"), Mode: 0o644},
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, ds := ParseBytes("/f.conf", src, Options{ConfigID: "x", FS: fsys, RandomSeed: 1})
		if file == nil {
			t.Fatal("nil File")
		}
		var walk func([]*Stmt)
		walk = func(ss []*Stmt) {
			for _, s := range ss {
				if s.Pos.Line < 1 || s.Pos.Col < 1 || !strings.HasSuffix(s.Pos.File, ".conf") {
					t.Fatalf("statement %q at bad position %v", s.Keyword, s.Pos)
				}
				if s.Block != nil {
					walk(s.Block.Stmts)
				}
			}
		}
		walk(file.Stmts)
		for _, d := range ds {
			if d.Pos.Line < 1 || !strings.HasSuffix(d.Pos.File, ".conf") || d.Msg == "" {
				t.Fatalf("diagnostic without position or message: %v", d)
			}
		}
	})
}
