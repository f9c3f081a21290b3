package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// fifoReader reads a daemon's notify FIFO (notify_fifo) into a lineLog,
// each line stamped when it was read, and into fifo.log beside it: the
// transitions of the fault matrix come from there, for both daemons
// alike. keepalived 2.2.7 takes
// a FIFO that exists (it opens it O_RDWR|O_NONBLOCK and writes into
// it); the reader opens it read-write too, so that it never sees an end
// of file while the daemon restarts it.
type fifoReader struct {
	f, log *os.File
	lines  *lineLog
	done   chan struct{}
}

// openFIFO creates dir/notify.fifo and starts reading it.
func openFIFO(dir string) (*fifoReader, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	path := filepath.Join(dir, "notify.fifo")
	if err := unix.Mkfifo(path, 0o600); err != nil {
		return nil, fmt.Errorf("create fifo %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("open fifo %s: %w", path, err)
	}
	log, err := os.Create(filepath.Join(dir, "fifo.log"))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("create fifo log: %w", err)
	}
	r := &fifoReader{f: f, log: log, lines: &lineLog{}, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		_, _ = io.Copy(io.MultiWriter(r.lines, log), f) // ends with close
	}()
	return r, nil
}

// Path is the FIFO's path, for notify_fifo.
func (r *fifoReader) Path() string { return r.f.Name() }

// transitions counts the instance state changes written in [from, to)
// and the other lines: events that are not states (keepalived 2.2.7
// writes MASTER_RX_LOWER_PRI for every lower-priority advert a master
// receives) and lines repeating an instance's state. keepalived's FIFO
// line is `INSTANCE "VI_1" MASTER 150`.
func (r *fifoReader) transitions(from, to time.Time) (changes, other int) {
	last := map[string]string{}
	for _, l := range r.lines.between(time.Time{}, to) {
		f := strings.Fields(l.Text)
		if len(f) < 3 || f[0] != "INSTANCE" {
			continue
		}
		prev, seen := last[f[1]]
		isState := f[2] != "MASTER_RX_LOWER_PRI"
		if isState {
			last[f[1]] = f[2]
		}
		switch {
		case l.At.Before(from):
		case isState && (!seen || prev != f[2]):
			changes++
		default:
			other++
		}
	}
	return changes, other
}

// firstState returns when the first line of state was read at or after t.
func (r *fifoReader) firstState(state string, t time.Time) (time.Time, bool) {
	for _, l := range r.lines.between(t, time.Now().Add(time.Hour)) {
		if f := strings.Fields(l.Text); len(f) >= 3 && f[0] == "INSTANCE" && f[2] == state {
			return l.At, true
		}
	}
	return time.Time{}, false
}

// close stops the reader; it is idempotent.
func (r *fifoReader) close() {
	if err := r.f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		return
	}
	<-r.done
	r.log.Close()
}
