package main

import (
	"errors"
	"fmt"
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
// keepalived 2.2.7's pid files are observed to be; O_NOFOLLOW) after
// checking that no live process owns the file. A stale file (its process
// gone) is replaced, as keepalived's "Remove a zombie pid file" does.
func writePidFile(path string) error {
	if pid, ok := readPid(path); ok && pid != os.Getpid() && alive(pid) {
		return fmt.Errorf("pid file %s: %w (pid %d)", path, errRunning, pid)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("pid file %s: %w", path, err)
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return fmt.Errorf("pid file %s: %w", path, err)
	}
	_, err = fmt.Fprintf(f, "%d\n", os.Getpid())
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("pid file %s: %w", path, err)
	}
	return nil
}

// removePidFile removes path if it still names this process.
func removePidFile(path string) {
	if pid, ok := readPid(path); ok && pid == os.Getpid() {
		os.Remove(path)
	}
}

func readPid(path string) (int, bool) {
	b, err := os.ReadFile(path)
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
