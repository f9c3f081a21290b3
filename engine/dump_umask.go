package engine

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
)

// keepalivedUmask is the umask keepalived runs with unless -u or the
// umask keyword says otherwise.
const keepalivedUmask = 0o177

// processUmask reads the process's umask from /proc/self/status (Linux
// 4.7 and later), which the daemon sets from -u or the umask keyword: the
// dumps show it as keepalived does. Go has no way to read the umask
// without setting it, which would race with files being created; nil
// when the kernel does not tell.
func processUmask() *uint32 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil
	}
	return statusUmask(b)
}

// statusUmask finds "Umask:\t0022" in a /proc/PID/status file.
func statusUmask(status []byte) *uint32 {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		v, ok := bytes.CutPrefix(sc.Bytes(), []byte("Umask:"))
		if !ok {
			continue
		}
		m, err := strconv.ParseUint(string(bytes.TrimSpace(v)), 8, 32)
		if err != nil {
			return nil
		}
		u := uint32(m)
		return &u
	}
	return nil
}

// umaskOrDefault is u, or keepalived's default when it is not known.
func umaskOrDefault(u *uint32) uint32 {
	if u == nil {
		return keepalivedUmask
	}
	return *u
}
