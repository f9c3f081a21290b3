package parser

import (
	"fmt"
	"strings"
	"testing"

	"github.com/goalived/goalived/parser/syntax"
)

// benchConfig generates n vrrp_instance blocks, each with its own
// vrrp_script and two VIPs.
func benchConfig(n int) []byte {
	var b strings.Builder
	b.WriteString("global_defs {\n router_id bench\n enable_script_security\n script_user root\n}\n")
	for i := range n {
		fmt.Fprintf(&b, "vrrp_script chk_%d {\n script \"/usr/bin/test -f /run/x%d\"\n interval 2\n weight -10\n}\n", i, i)
		fmt.Fprintf(&b, "vrrp_instance VI_%d {\n state BACKUP\n interface eth%d\n virtual_router_id %d\n priority %d\n advert_int 1\n",
			i, i/255, i%255+1, 100+i%50)
		fmt.Fprintf(&b, " authentication {\n  auth_type PASS\n  auth_pass pw%d\n }\n", i)
		fmt.Fprintf(&b, " virtual_ipaddress {\n  10.%d.%d.1/24 dev eth0 label eth0:%d\n  10.%d.%d.2/24\n }\n", i/256, i%256, i%1000, i/256, i%256)
		fmt.Fprintf(&b, " track_script {\n  chk_%d\n }\n notify \"/etc/keepalived/notify.sh %d\"\n}\n", i, i)
	}
	return []byte(b.String())
}

func BenchmarkLoad(b *testing.B) {
	src := benchConfig(1000)
	opts := testOptions()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		cfg, diags := LoadBytes("bench.conf", src, opts)
		if len(cfg.Instances) != 1000 || diags.HasFatal() {
			b.Fatalf("instances %d, diagnostics:\n%s", len(cfg.Instances), diags)
		}
	}
}

// TestLoadLargeConfig keeps the benchmark's input honest. How long the
// load takes is BenchmarkLoad's figure, not a test's: a shared machine
// makes any time bound flaky.
func TestLoadLargeConfig(t *testing.T) {
	src := benchConfig(1000)
	cfg, diags := LoadBytes("bench.conf", src, testOptions())
	if len(cfg.Instances) != 1000 || len(cfg.Scripts) != 1000 {
		t.Fatalf("instances %d scripts %d", len(cfg.Instances), len(cfg.Scripts))
	}
	if len(diags) != 0 {
		t.Fatalf("diagnostics:\n%s", diags)
	}
}

// BenchmarkBuild measures the typed-model step alone (the syntax tree is
// parsed once), to separate it from parser/syntax's cost.
func BenchmarkBuild(b *testing.B) {
	f, sdiags := syntax.ParseBytes("bench.conf", benchConfig(1000), syntax.Options{ConfigID: "testhost"})
	if len(sdiags) != 0 {
		b.Fatalf("syntax diagnostics: %v", sdiags)
	}
	opts := testOptions()
	for b.Loop() {
		cfg, _ := Build(f, opts)
		if len(cfg.Instances) != 1000 {
			b.Fatal("instances missing")
		}
	}
}
