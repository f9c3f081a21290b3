package nstest

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// Unavailable stops a test that cannot run here (no root, a missing
// reference program): it skips, except where GOALIVED_REQUIRE_ROOT=1 (CI
// sets it and installs everything), where a test that did not run must
// fail the run rather than pass unnoticed.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("GOALIVED_REQUIRE_ROOT") == "1" {
		t.Fatal("GOALIVED_REQUIRE_ROOT=1 but " + msg)
	}
	t.Skip("skipping: " + msg)
}

// Program returns the path of a program the test needs, looked up in
// PATH and then in /usr/sbin (where Debian puts keepalived and krb5kdc);
// without it the test is Unavailable.
func Program(t testing.TB, name, pkg string) string {
	t.Helper()
	if bin, err := exec.LookPath(name); err == nil {
		return bin
	}
	if bin := "/usr/sbin/" + name; fileExists(bin) {
		return bin
	}
	Unavailable(t, "%s is not installed (apt-get install %s)", name, pkg)
	return ""
}

// Keepalived returns the path of the reference keepalived binary for
// interop tests (see Program).
func Keepalived(t testing.TB) string {
	t.Helper()
	return Program(t, "keepalived", "keepalived")
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
