package main

import (
	"net"
	"os"
	"strconv"
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

// sdNotify sends a state to systemd's notify socket, if there is one.
func sdNotify(state string) {
	path := os.Getenv("NOTIFY_SOCKET")
	if path == "" {
		return
	}
	if path[0] == '@' {
		path = "\x00" + path[1:]
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return
	}
	defer conn.Close()
	conn.Write([]byte(state))
}
