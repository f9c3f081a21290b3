package dump

import (
	"go/build"
	"testing"
)

// TestNoHostAccess keeps the package a formatter: it may import the
// model, the protocol's types and the standard library's formatting, but
// nothing that reaches the host (the engine gathers that into the
// Snapshot).
func TestNoHostAccess(t *testing.T) {
	allowed := map[string]bool{
		"fmt": true, "io": true, "net": true, "net/netip": true, "path/filepath": true,
		"slices": true, "strconv": true, "strings": true, "time": true,
		"github.com/goalived/goalived/config": true, "github.com/goalived/goalived/vrrp": true,
	}
	pkg, err := build.Default.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if !allowed[imp] {
			t.Errorf("package dump imports %s", imp)
		}
	}
}
