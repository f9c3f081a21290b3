package engine

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSysctlsSetAndRestore(t *testing.T) {
	root := t.TempDir()
	rel := "net/ipv4/conf/eth0/promote_secondaries"
	path := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &sysctls{root: root, original: map[string]string{}}
	for range 2 { // the second set must not take "1" as the original
		if err := s.set(rel, "1"); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(path); string(b) != "1" {
		t.Fatalf("after set: %q", b)
	}
	if err := s.restore(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "0" {
		t.Fatalf("after restore: %q, want the original 0", b)
	}
	if err := s.set("net/ipv4/conf/nosuch/promote_secondaries", "1"); err == nil {
		t.Fatal("setting a missing sysctl did not fail")
	}
}
