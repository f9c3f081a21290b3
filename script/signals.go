package script

import (
	"os"
	"os/signal"
	"syscall"
)

// ignoredSink receives the signals the daemon had ignored; nobody reads it.
var ignoredSink = make(chan os.Signal, 1)

// defaultSignals makes a script start with every signal at its default
// disposition, as keepalived 2.2.7 gives its script children. A forked Go
// child gets the default back only for the signals its parent handles; a
// signal the daemon inherited as ignored (SIGHUP under nohup, SIGINT and
// SIGQUIT for a job a shell script started with &) would stay ignored in
// every script. Handled into a channel nobody reads, such a signal stays
// without effect in the daemon and is reset in its children. It runs
// before each start: a signal ignored later is covered too, and Notify
// with the same channel again only widens its set.
func defaultSignals() {
	var ignored []os.Signal
	for s := syscall.Signal(1); s < 65; s++ {
		if s != syscall.SIGKILL && s != syscall.SIGSTOP && signal.Ignored(s) {
			ignored = append(ignored, s)
		}
	}
	if len(ignored) > 0 {
		signal.Notify(ignoredSink, ignored...)
	}
}
