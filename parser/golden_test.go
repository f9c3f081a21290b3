package parser

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/configs")

const configsDir = "../testdata/configs"

// golden is what a *.golden.json file holds for one configuration.
type golden struct {
	ExitCode    int             `json:"exit_code"`
	Diagnostics []string        `json:"diagnostics"`
	Config      json.RawMessage `json:"config"`
}

func goldenFor(t *testing.T, path string) []byte {
	t.Helper()
	cfg, diags := Load(path, testOptions())
	if cfg == nil {
		t.Fatalf("Load(%s) returned no model", path)
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatalf("marshal %s: %v", path, err)
	}
	g := golden{ExitCode: diags.ExitCode(), Diagnostics: []string{}, Config: js}
	for _, d := range diags {
		g.Diagnostics = append(g.Diagnostics, d.String())
	}
	out, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// TestGolden loads every testdata/configs/*.conf and compares the typed
// model and diagnostics with its *.golden.json (regenerate with -update).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(configsDir, "*.conf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no configs in %s: %v", configsDir, err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			got := goldenFor(t, path)
			gpath := path[:len(path)-len(".conf")] + ".golden.json"
			if *update {
				if err := os.WriteFile(gpath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(gpath)
			if err != nil {
				t.Fatalf("read golden (run go test ./parser -update): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run go test ./parser -update and review the diff):\n%s", name, gpath, lineDiff(string(want), string(got)))
			}
		})
	}
}

// lineDiff shows the first differing lines of two texts.
func lineDiff(want, got string) string {
	wl, gl := bytes.Split([]byte(want), []byte("\n")), bytes.Split([]byte(got), []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + itoa(i+1) + ":\n-" + string(w) + "\n+" + string(g)
		}
	}
	return ""
}

func itoa(n int) string { return string(json.Number(rune2(n))) }

func rune2(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestConditionalsOtherNode loads conditionals.conf as the other node: the
// @peer / @^testhost lines must win.
func TestConditionalsOtherNode(t *testing.T) {
	opts := testOptions()
	opts.ConfigID = "peer"
	cfg, diags := Load(filepath.Join(configsDir, "conditionals.conf"), opts)
	if len(diags) != 0 {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	in := cfg.Instance("VI_COND")
	if cfg.Global.RouterID != "node-peer" || in == nil || in.Priority != 100 || len(in.VIPs) != 4 {
		t.Errorf("router_id %q, instance %+v", cfg.Global.RouterID, in)
	}
}

func TestAllConfigMakesIncludesStrict(t *testing.T) {
	src := "include nosuch-dir/missing.conf\n"
	_, lenient := LoadBytes(filepath.Join(configsDir, "inline.conf"), []byte(src), testOptions())
	opts := testOptions()
	opts.AllConfig = true
	_, strict := LoadBytes(filepath.Join(configsDir, "inline.conf"), []byte(src), opts)
	if lenient.ExitCode() == 6 || strict.ExitCode() != 6 {
		t.Errorf("exit codes: lenient %d, strict %d\n%s%s", lenient.ExitCode(), strict.ExitCode(), lenient, strict)
	}
}
