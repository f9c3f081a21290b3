package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// errRunning means a pid file names a live process: a second daemon with
// the same pid file refuses to start, as keepalived does.
var errRunning = errors.New("daemon already running")

// writePidFile writes "PID\n" (mode 0644 whatever the umask, as
// keepalived 2.2.7's pid files are observed to be) after checking that no
// live process owns the file. A stale file (its process gone) is
// replaced, as keepalived's "Remove a zombie pid file" does. keepalived
// opens the pid file itself with O_NOFOLLOW and O_TRUNC; goalived writes
// a new file and renames it (replaceFile), so a link or a FIFO planted at
// the name is replaced, never written through or waited on.
func writePidFile(path string) error { return writePidFileOver(path, 0) }

// writePidFileOver is writePidFile that also replaces a file naming over
// (a hot upgrade's old process, alive until the new one runs).
func writePidFileOver(path string, over int) error {
	if pid, ok := readPid(path); ok && pid != os.Getpid() && pid != over && alive(pid) {
		return fmt.Errorf("pid file %s: %w (pid %d)", path, errRunning, pid)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("pid file %s: %w", path, err)
	}
	return replaceFile(path, 0o644, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "%d\n", os.Getpid())
		return err
	})
}

// removePidFile removes path if it still names this process.
func removePidFile(path string) {
	if pid, ok := readPid(path); ok && pid == os.Getpid() {
		os.Remove(path)
	}
}

func readPid(path string) (int, bool) {
	b, err := readSmallFile(path, 64)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid, err == nil && pid > 0
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
