package main

import (
	"testing"

	"github.com/goalived/goalived/netif/nstest"
)

// goalivedBinary is cmd/goalived built once per test process, for tests
// that must run it as a process (inside a network namespace, detached, ...).
func goalivedBinary(t testing.TB) string {
	t.Helper()
	return nstest.GoalivedBinary(t)
}

func TestMain(m *testing.M) { nstest.Main(m) }
