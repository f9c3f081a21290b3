package nstest

import (
	"os"
	"os/exec"
	"testing"
)

// Keepalived returns the path of the reference keepalived binary for
// interop tests. Without it the test is skipped, or failed where
// GOALIVED_REQUIRE_ROOT=1 (CI installs keepalived, so a skip there would
// hide an interop test that did not run).
func Keepalived(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("keepalived")
	if err == nil {
		return bin
	}
	if _, serr := os.Stat("/usr/sbin/keepalived"); serr == nil {
		return "/usr/sbin/keepalived"
	}
	if os.Getenv("GOALIVED_REQUIRE_ROOT") == "1" {
		t.Fatalf("keepalived is not installed (apt-get install keepalived): %v", err)
	}
	t.Skipf("skipping: keepalived is not installed: %v", err)
	return ""
}
