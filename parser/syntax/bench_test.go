package syntax

import (
	"fmt"
	"strings"
	"testing"
)

// genConfig writes a config with n vrrp_instances shaped like the user's,
// each with comments, a nested authentication block and list blocks.
func genConfig(n int) []byte {
	var b strings.Builder
	b.WriteString("global_defs {\n   router_id bench # 注释\n   enable_script_security\n}\n\n")
	b.WriteString("vrrp_script chk {\n    script \"/usr/bin/true\"\n    interval 5\n    weight -50\n}\n\n")
	for i := range n {
		fmt.Fprintf(&b, "vrrp_instance VI_%d {\n", i)
		b.WriteString("    state BACKUP           # MASTER or BACKUP\n    interface eth0\n")
		fmt.Fprintf(&b, "    virtual_router_id %d\n    priority %d\n    advert_int 1\n", i%255+1, 100+i%100)
		b.WriteString("    authentication {\n        auth_type PASS\n        auth_pass 11111\n    }\n")
		fmt.Fprintf(&b, "    virtual_ipaddress {\n        192.0.2.%d/24 dev eth0 label eth0:%d\n    }\n", i%254+1, i)
		b.WriteString("    track_script {\n        chk\n    }\n    notify \"/etc/keepalived/notify.sh x\" root\n}\n\n")
	}
	return []byte(b.String())
}

func BenchmarkParseSyntax(b *testing.B) {
	src := genConfig(1000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		f, ds := ParseBytes("bench.conf", src, testOpts)
		if len(f.Stmts) != 1002 || len(ds) != 0 {
			b.Fatalf("got %d statements, diagnostics %v", len(f.Stmts), ds)
		}
	}
}
