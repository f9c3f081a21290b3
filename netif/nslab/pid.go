package nslab

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ReadPid returns the pid a pid file names, 0 if none.
func ReadPid(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// Running reports whether pid is a live process, not a zombie: a
// daemon's old process after a hot upgrade is reaped by whoever adopted
// it, which may take a while.
func Running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
