package script

import (
	"errors"
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// waitExited blocks until process pid has exited, leaving it unreaped
// (WNOWAIT) so that its process-group id stays reserved while we signal
// the group; exec.Cmd.Wait reaps it afterwards.
func waitExited(pid int) {
	for {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if !errors.Is(err, unix.EINTR) {
			return
		}
	}
}

var inheritedOnce sync.Once

// closeInheritedOnExec marks every descriptor above stderr close-on-exec.
// Go opens its own descriptors that way, but the daemon may have inherited
// some without the flag from whoever started it (keepalived HEAD runs
// close_range(3, ~0, CLOSE_RANGE_CLOEXEC) in each child for the same
// reason); scripts must only ever see 0, 1 and 2.
func closeInheritedOnExec() {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return // best effort: without /proc nothing better can be done
	}
	for _, e := range ents {
		fd, err := strconv.Atoi(e.Name())
		if err != nil || fd <= 2 {
			continue
		}
		unix.CloseOnExec(fd) // fails harmlessly for the directory fd just closed
	}
}
