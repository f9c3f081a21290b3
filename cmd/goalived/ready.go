package main

import (
	"os"
	"strconv"

	systemd "github.com/coreos/go-systemd/v22/daemon"
)

// readyFDEnv names the pipe on which a detached daemon tells its parent
// that it runs (see detach).
const readyFDEnv = "GOALIVED_READY_FD"

// notifyReady tells whoever waits that the daemon is running: the parent
// of a detached daemon, and systemd (Type=notify) through NOTIFY_SOCKET.
func notifyReady() {
	if s := os.Getenv(readyFDEnv); s != "" {
		if fd, err := strconv.Atoi(s); err == nil {
			f := os.NewFile(uintptr(fd), "ready")
			f.Write([]byte{1})
			f.Close()
		}
		os.Unsetenv(readyFDEnv)
	}
	sdNotify("READY=1")
}

// sdNotify sends a state to systemd's notify socket (Type=notify), if
// NOTIFY_SOCKET names one.
func sdNotify(state string) {
	_, _ = systemd.SdNotify(false, state)
}
