package parser

import (
	"fmt"
	"strings"
	"testing"
)

// keywordBlocks wraps a line in a file where it is read as part of block.
var keywordBlocks = map[string]string{
	"top level":          "%s\n",
	"global_defs":        "global_defs {\n%s\n}\n",
	"vrrp_script":        "vrrp_script chk {\n script /bin/true\n%s\n}\n",
	"vrrp_instance":      instanceFor("%s"),
	"authentication":     instanceFor("authentication {\n%s\n}"),
	"vrrp_sync_group":    instanceFor("") + "vrrp_sync_group G {\n group {\n VI_1\n }\n%s\n}\n",
	"track_file":         "track_file f {\n file /tmp/f\n%s\n}\n",
	"vrrp_track_process": "vrrp_track_process p {\n process init\n%s\n}\n",
	"track_group":        "track_group g {\n%s\n}\n",
}

func instanceFor(line string) string {
	return "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n priority 100\n" + line + "\n}\n"
}

// TestKeywordsAsRead checks the listed support of every keyword against
// what loading a file with it says: the manual is written from Keywords,
// so it must tell what -t tells.
func TestKeywordsAsRead(t *testing.T) {
	kws := Keywords()
	if len(kws) < 200 {
		t.Fatalf("Keywords lists %d keywords, want every table's (more than 200)", len(kws))
	}
	for _, k := range kws {
		wrap, ok := keywordBlocks[k.Block]
		if !ok {
			t.Errorf("%s: block %q has no test wrapper", k.Name, k.Block)
			continue
		}
		_, diags := load(t, fmt.Sprintf(wrap, k.Name))
		got := Implemented
		for _, d := range diags {
			switch {
			case d.Keyword != k.Name:
			case strings.Contains(d.Msg, "unknown keyword"):
				t.Errorf("%s %s: read as unknown: %s", k.Block, k.Name, d)
			case strings.HasSuffix(d.Msg, "not supported by goalived yet, ignored"):
				got = NotYet
			case strings.HasSuffix(d.Msg, "not supported by goalived, ignored"):
				got = OutOfScope
			}
		}
		if got != k.Support {
			t.Errorf("%s %s: listed %v, read as %v", k.Block, k.Name, k.Support, got)
		}
	}
}

// TestKeywordsOrder: blocks in the manual's order, each block's keywords
// sorted and listed once.
func TestKeywordsOrder(t *testing.T) {
	var blocks []string
	seen := map[string]bool{}
	for i, k := range Keywords() {
		if len(blocks) == 0 || blocks[len(blocks)-1] != k.Block {
			blocks = append(blocks, k.Block)
		} else if prev := Keywords()[i-1]; prev.Name >= k.Name {
			t.Errorf("%s: %q listed after %q", k.Block, k.Name, prev.Name)
		}
		if seen[k.Block+" "+k.Name] {
			t.Errorf("%s %s listed twice", k.Block, k.Name)
		}
		seen[k.Block+" "+k.Name] = true
	}
	want := "top level,global_defs,vrrp_script,vrrp_instance,authentication,vrrp_sync_group,track_file,vrrp_track_process,track_group"
	if got := strings.Join(blocks, ","); got != want {
		t.Errorf("blocks %s, want %s", got, want)
	}
}
