package parser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

const samplesDir = "/work/shared/samples"

// TestSamples loads keepalived's own sample configurations: none may give
// a diagnostic worse than a warning, and LVS blocks must be reported as
// unsupported, never as unknown keywords.
func TestSamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(samplesDir, "keepalived.conf.*"))
	if len(files) == 0 {
		t.Skipf("no samples in %s", samplesDir)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			opts := testOptions()
			opts.ConfigID = "high" // keepalived.conf.conditional_conf
			cfg, diags := Load(path, opts)
			if cfg == nil {
				t.Fatal("no model")
			}
			for _, d := range diags {
				if d.Severity != syntax.Note && d.Severity != syntax.Warning && d.Severity != syntax.Security {
					t.Errorf("diagnostic worse than a warning: %s", d)
				}
				if strings.Contains(d.Msg, "unknown keyword") && !knownUnknown[d.Keyword] {
					t.Errorf("keepalived keyword reported as unknown: %s", d)
				}
			}
			if strings.Contains(string(data), "\nvirtual_server ") && !hasUnsupported(cfg, "virtual_server") {
				t.Errorf("virtual_server not reported as unsupported")
			}
		})
	}
}

// knownUnknown are words keepalived 2.2.7 itself reports as unknown in
// the samples: keepalived.conf.vrrp.lvs_syncd lists sync group members
// without "group { }".
var knownUnknown = map[string]bool{"VI_2": true, "VI_3": true}

func hasUnsupported(cfg *config.Config, kw string) bool {
	for _, f := range cfg.Unsupported {
		if f.Keyword == kw {
			return true
		}
	}
	return false
}
