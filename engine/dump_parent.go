package engine

import (
	"fmt"
	"io"
	"time"
)

// WriteParentData writes keepalived_parent.data, the file keepalived
// 2.2.7's parent process writes on SIGUSR1 beside the VRRP child's
// keepalived.data: its copy of the global definitions and nothing else
// (reference 4.3.2). goalived is one process that plays both parts.
func (e *Engine) WriteParentData(w io.Writer) error {
	e.mu.Lock()
	s := e.globalSnapshot(time.Now())
	e.mu.Unlock()
	if err := writeParentData(w, s); err != nil {
		return fmt.Errorf("write parent data dump: %w", err)
	}
	return nil
}

// writeParentData is keepalived_parent.data. It differs from the global
// block of keepalived.data where the parent has not resolved what the
// VRRP child has: no default interface, notify FIFO readers as configured,
// lower-priority GARP values that were not written shown as unset.
func writeParentData(w io.Writer, s *dumpSnapshot) error {
	d := &dumpWriter{w: w}
	writeGlobal(d, s, parentProcess)
	return d.err
}
