package main

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/goalived/goalived/netif/nstest"
)

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// goalivedBinary builds cmd/goalived once per test process, for tests that
// must run it as a process (inside a network namespace, detached, ...).
func goalivedBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "goalived-bin-")
		if err != nil {
			buildErr = err
			return
		}
		buildPath, buildErr = nstest.BuildGoalived(dir)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildPath != "" {
		os.RemoveAll(filepath.Dir(buildPath))
	}
	os.Exit(code)
}
