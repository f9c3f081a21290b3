package nstest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// BuildGoalived builds cmd/goalived into dir as the README ships it
// (static: CGO_ENABLED=0) and returns the binary's path.
func BuildGoalived(dir string) (string, error) {
	bin := filepath.Join(dir, "goalived")
	c := exec.Command("go", "build", "-o", bin, "github.com/goalived/goalived/cmd/goalived")
	c.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := c.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build goalived: %w\n%s", err, out)
	}
	return bin, nil
}

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// GoalivedBinary builds cmd/goalived once per test process and returns
// its path, for tests that run the daemon as a process. Main removes it
// when the tests are done.
func GoalivedBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "goalived-bin-")
		if err != nil {
			buildErr = fmt.Errorf("build goalived: %w", err)
			return
		}
		buildPath, buildErr = BuildGoalived(dir)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

// Main runs the tests of a package that uses GoalivedBinary and removes
// the binary afterwards: func TestMain(m *testing.M) { nstest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if buildPath != "" {
		os.RemoveAll(filepath.Dir(buildPath))
	}
	os.Exit(code)
}
