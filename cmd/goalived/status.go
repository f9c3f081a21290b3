package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/goalived/goalived/engine"
)

// statusWriter keeps the /proc/net/vrrp-style status file current: every
// kick rewrites it (temporary file and rename, so a reader never sees half
// a file) on its own goroutine, so the engine never waits for the disk.
type statusWriter struct {
	path   string
	log    *slog.Logger
	source func() []engine.Status
	kicks  chan struct{}
	done   chan struct{}
}

func newStatusWriter(path string, log *slog.Logger) *statusWriter {
	w := &statusWriter{path: path, log: log, kicks: make(chan struct{}, 1), done: make(chan struct{})}
	go w.loop()
	return w
}

func (w *statusWriter) kick() {
	select {
	case w.kicks <- struct{}{}:
	default:
	}
}

func (w *statusWriter) loop() {
	defer close(w.done)
	for range w.kicks {
		if w.path == "" || w.source == nil {
			continue
		}
		if err := writeAtomic(w.path, func(f io.Writer) error { return formatStatus(f, w.source()) }); err != nil {
			w.log.Warn("write status file", "err", err)
		}
	}
}

func (w *statusWriter) close() {
	close(w.kicks)
	<-w.done
}

// formatStatus writes one header line and one line per instance, columns
// aligned with spaces as /proc/net tables are.
func formatStatus(out io.Writer, sts []engine.Status) error {
	tw := tabwriter.NewWriter(out, 0, 0, 1, ' ', 0)
	fmt.Fprintln(tw, "name\tinterface\tvrid\tver\tstate\tbase_prio\teff_prio\tadvert_int\tmaster\tvips\tsince\treason")
	for _, s := range sts {
		vips := make([]string, len(s.VIPs))
		for i, v := range s.VIPs {
			vips[i] = v.String()
		}
		master := "-"
		if s.Master.IsValid() {
			master = s.Master.String()
		}
		iface := s.Interface
		if iface == "" {
			iface = "-"
		}
		vipList := strings.Join(vips, ",")
		if vipList == "" {
			vipList = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%d\t%d\t%gs\t%s\t%s\t%s\t%s\n",
			s.Name, iface, s.VRID, s.Version, s.State, s.BasePriority, s.Priority, s.AdvertInt.Seconds(),
			master, vipList, s.Since.UTC().Format(time.RFC3339Nano), strings.ReplaceAll(s.Reason, " ", "_"))
	}
	return tw.Flush()
}

// writeAtomic writes path through a temporary file in the same directory
// and a rename.
func writeAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
