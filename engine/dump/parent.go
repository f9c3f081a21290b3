package dump

import "io"

// WriteParentData writes keepalived_parent.data, the file keepalived
// 2.2.7's parent process writes on SIGUSR1 beside the VRRP child's
// keepalived.data: its copy of the global definitions and nothing else.
// It differs from the global block of keepalived.data where the parent
// has not resolved what the VRRP child has: no default interface, notify
// FIFO readers as configured, lower-priority GARP values that were not
// written shown as unset.
func WriteParentData(w io.Writer, s *Snapshot) error {
	d := &dumpWriter{w: w}
	writeGlobal(d, s, parentProcess)
	return d.err
}
