package syntax

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif/nstest"
)

// unknownKeywords renders a tree the way keepalived -t reports a config
// made only of unknown keywords: one line per statement, depth first.
func unknownKeywords(f *File) []string {
	var out []string
	var walk func([]*Stmt)
	walk = func(ss []*Stmt) {
		for _, s := range ss {
			out = append(out, fmt.Sprintf("L%d Unknown keyword '%s'", s.Pos.Line, s.Keyword))
			if s.Block != nil {
				walk(s.Block.Stmts)
			}
		}
	}
	walk(f.Stmts)
	return out
}

func readLines(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// TestKeepalivedGolden compares with keepalived 2.2.7's own reading of
// the files in testdata/kadiff (see the README there).
func TestKeepalivedGolden(t *testing.T) {
	confs, _ := filepath.Glob("testdata/kadiff/*.conf")
	if len(confs) == 0 {
		t.Fatal("no testdata/kadiff/*.conf")
	}
	for _, conf := range confs {
		t.Run(filepath.Base(conf), func(t *testing.T) {
			f, _ := Parse(conf, Options{ConfigID: "main", RandomSeed: 1})
			want := readLines(t, strings.TrimSuffix(conf, ".conf")+".golden")
			if diff := cmp.Diff(want, unknownKeywords(f)); diff != "" {
				t.Errorf("keepalived (-) vs goalived (+):\n%s", diff)
			}
		})
	}
}

var linePrefix = regexp.MustCompile(`^\((.*: )?Line ([0-9]+)\)`)

// TestIntegrationKeepalivedGolden re-runs keepalived -t on the kadiff
// files to check that the golden files still say what keepalived does.
func TestIntegrationKeepalivedGolden(t *testing.T) {
	nstest.RequireRoot(t)
	bin := nstest.Keepalived(t)
	ns := netns(t)
	confs, _ := filepath.Glob("testdata/kadiff/*.conf")
	for _, conf := range confs {
		t.Run(filepath.Base(conf), func(t *testing.T) {
			src, err := os.ReadFile(conf)
			if err != nil {
				t.Fatal(err)
			}
			// The marker ends the first of keepalived's parse passes.
			tmp := filepath.Join(t.TempDir(), "k.conf")
			if err := os.WriteFile(tmp, append(src, "\nzz_end_marker\n"...), 0o644); err != nil {
				t.Fatal(err)
			}
			out, _ := exec.Command("ip", "netns", "exec", ns, bin, "-t", "-i", "main", "-f", tmp).CombinedOutput()
			var got []string
			for _, l := range strings.Split(string(out), "\n") {
				if strings.Contains(l, "zz_end_marker") {
					break
				}
				if strings.Contains(l, "Unknown keyword") && !strings.Contains(l, "Unknown keyword '}'") {
					got = append(got, linePrefix.ReplaceAllString(l, "L$2"))
				}
			}
			want := readLines(t, strings.TrimSuffix(conf, ".conf")+".golden")
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("golden (-) vs keepalived now (+):\n%s", diff)
			}
		})
	}
}

// netns creates a network namespace removed at cleanup.
func netns(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	ns := "gl-syntax-" + hex.EncodeToString(b)
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v: %s", ns, err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", ns, err, bytes.TrimSpace(out))
		}
	})
	return ns
}

// TestIntegrationIncludeClasses checks the include error classes against
// keepalived itself: -t exits 6 exactly when goalived says IncludeFatal.
func TestIntegrationIncludeClasses(t *testing.T) {
	nstest.RequireRoot(t)
	bin := nstest.Keepalived(t)
	ns := netns(t)
	for _, line := range []string{
		"include inc/missing.conf", "include nosuchdir/*.conf", "include inc/nomatch*.conf",
		"includer nosuch.conf", "includem nosuch*.conf", "includem nosuch.conf", "includew nosuch*.conf",
		"includea inc/missing.conf", "include inc/{a1,nosuch}.conf", "includeb inc/{a1,nosuch2}.conf",
		"include inc", "includer inc", "include inc/*.conf",
		"global_defs {\n include_check\n}\ninclude nosuch.conf",
		"global_defs {\n include_check wildcard_match\n}\ninclude nosuch*.conf",
	} {
		t.Run(line, func(t *testing.T) {
			// Not t.TempDir: its name holds the test name's braces, and a
			// main file name is a glob for keepalived and goalived alike.
			dir, err := os.MkdirTemp("", "gl-syntax-inc")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			if err := os.Mkdir(filepath.Join(dir, "inc"), 0o755); err != nil {
				t.Fatal(err)
			}
			for name, content := range map[string]string{"inc/a1.conf": "global_defs {\n}\n", "k.conf": line + "\n"} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command("ip", "netns", "exec", ns, bin, "-t", "-f", "k.conf")
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			rc := 0
			if ee, ok := err.(*exec.ExitError); ok {
				rc = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			_, ds := Parse(filepath.Join(dir, "k.conf"), Options{ConfigID: "x"})
			fatal := false
			for _, d := range ds {
				fatal = fatal || d.Severity == IncludeFatal
			}
			if fatal != (rc == 6) || rc != 0 && rc != 6 {
				t.Errorf("keepalived -t rc %d (%s), goalived %v", rc, bytes.TrimSpace(out), msgs(ds))
			}
		})
	}
}
