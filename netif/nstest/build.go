package nstest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// BuildGoalived builds cmd/goalived into dir as the README ships it
// (static: CGO_ENABLED=0) and returns the binary's path, for the tests
// that run the daemon as a process.
func BuildGoalived(dir string) (string, error) {
	bin := filepath.Join(dir, "goalived")
	c := exec.Command("go", "build", "-o", bin, "github.com/goalived/goalived/cmd/goalived")
	c.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := c.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build goalived: %w\n%s", err, out)
	}
	return bin, nil
}
