package script

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRunHelperProcess is not a test: TestRunParentDeathSignal runs the
// test binary with it to get a parent that can be killed.
func TestRunHelperProcess(t *testing.T) {
	pidFile := os.Getenv("GOALIVED_SCRIPT_HELPER")
	if pidFile == "" {
		t.Skip("helper process for TestRunParentDeathSignal")
	}
	Run(context.Background(), Command{Argv: []string{"/bin/sh", "-c", `echo $$ > "$0"; exec sleep 60`, pidFile}})
	os.Exit(0)
}

// TestRunParentDeathSignal: when the daemon dies (SIGKILL, no cleanup) its
// running scripts get SIGTERM, as keepalived's PR_SET_PDEATHSIG does.
func TestRunParentDeathSignal(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	helper := exec.Command(os.Args[0], "-test.run=^TestRunHelperProcess$")
	helper.Env = append(os.Environ(), "GOALIVED_SCRIPT_HELPER="+pidFile)
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if b, err := os.ReadFile(pidFile); err == nil && strings.HasSuffix(string(b), "\n") {
			break
		}
		if time.Now().After(deadline) {
			helper.Process.Kill()
			helper.Wait()
			t.Fatal("helper did not start the script")
		}
		time.Sleep(10 * time.Millisecond)
	}
	script := readPID(t, pidFile)
	helper.Process.Kill()
	helper.Wait()
	waitGone(t, script)
}

func TestRunEnvironment(t *testing.T) {
	t.Setenv("GOALIVED_TEST_VAR", "inherited value")
	r := mustRun(t, Command{Argv: []string{"/bin/sh", "-c", `printf %s "$GOALIVED_TEST_VAR"`}, Capture: 100})
	if string(r.Output) != "inherited value" {
		t.Errorf("inherited env: %q", r.Output)
	}
	r = mustRun(t, Command{Argv: []string{"/bin/sh", "-c", `printf %s "$GOALIVED_TEST_VAR,$X"`}, Env: []string{"X=1"}, Capture: 100})
	if string(r.Output) != ",1" {
		t.Errorf("explicit env: %q", r.Output)
	}
}
