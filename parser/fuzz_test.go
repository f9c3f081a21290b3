package parser

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
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
