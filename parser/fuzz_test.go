package parser

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/goalived/goalived/parser/syntax"
)

// FuzzLoad checks that no input makes the builder panic and that every
// model it returns can be marshalled. Seeds are testdata/configs.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(configsDir, "*.conf"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(instanceConf("state MASTER\nvirtual_ipaddress {\n2001:db8::1 brd + scope link label x peer 1\n}\nnotify_master \"/bin/x '\\x4\\c\"")))
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, diags := LoadBytes("fuzz.conf", src, testOptions())
		if cfg == nil {
			t.Fatal("nil model")
		}
		_ = diags.ExitCode()
		_ = diags.String()
		if _, err := json.Marshal(cfg); err != nil {
			t.Fatalf("marshal: %v", err)
		}
	})
}

// FuzzLoadTree loads a tree of three files the fuzzer writes (a main file
// and two it may include, by name, glob or braces) under small limits, so
// that includes, macros, ~SEQ/~LST and braces meet the limits often. The
// load must not panic, must keep its diagnostics within the limit and
// give each a position, and must return a model that marshals.
func FuzzLoadTree(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(configsDir, "*.conf"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data, []byte("vrrp_script s {\n script /bin/true\n}\n"), []byte("$X=1\n"))
		}
	}
	for _, s := range [][3]string{
		{"include inc/*.conf\n", "include ../k.conf\n", "x\n"},
		{"include inc/{a,b}.conf\ninclude inc/{a,b}{a,b}{a,b}{a,b}.conf\n", "$M=a \\\n b {\\\n", "$M\n}\n"},
		{"$A=inc/a.conf\ninclude $A\n~SEQ(i,1,5) include inc/b.conf\n", "~LST({x,y},{1,2},{3,4}) k ${x} ${y}\n", "@k include inc/a.conf\n"},
		{"a{b{c{d{e}}}}}}\n", "includea inc/nosuch*.conf\n", "{\"\n"},
		{"vrrp_instance VI {\ninclude inc/a.conf\n}\n", "state MASTER\ninterface eth0\nvirtual_router_id 1\n", "virtual_ipaddress {\n192.0.2.1\n}\n"},
	} {
		f.Add([]byte(s[0]), []byte(s[1]), []byte(s[2]))
	}
	opts := testOptions()
	opts.Limits = syntax.Limits{Files: 64, Bytes: 1 << 20, Patterns: 64, GlobEntries: 256, IncludeDepth: 8,
		LineLength: 4096, BlockDepth: 16, Lines: 1 << 14, Words: 1 << 16, Diagnostics: 100}
	f.Fuzz(func(t *testing.T, main, a, b []byte) {
		opts.FS = fstest.MapFS{
			"etc/keepalived/k.conf":       {Data: main},
			"etc/keepalived/inc/a.conf":   {Data: a},
			"etc/keepalived/inc/b.conf":   {Data: b},
			"etc/keepalived/inc/sub/c.sh": {Data: []byte("#!/bin/sh\n"), Mode: 0o755},
		}
		// The fuzzer notices crashes, not slow inputs: one that takes
		// seconds under these limits is a bug worth a crash.
		slow := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("load of %q %q %q took over 10 s", main, a, b)) })
		cfg, diags := Load("/etc/keepalived/k.conf", opts)
		slow.Stop()
		if cfg == nil {
			t.Fatal("nil model")
		}
		// The syntax and build stages each keep up to the limit, with
		// a summary per severity beyond it.
		if len(diags) > 2*(opts.Limits.Diagnostics+5) {
			t.Fatalf("%d diagnostics kept, limit %d", len(diags), opts.Limits.Diagnostics)
		}
		for _, d := range diags {
			if d.Pos.File == "" || d.Msg == "" {
				t.Fatalf("diagnostic without file or message: %v", d)
			}
		}
		if _, err := json.Marshal(cfg); err != nil {
			t.Fatalf("marshal: %v", err)
		}
	})
}
