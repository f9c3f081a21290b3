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
			w.log.Warn(fmt.Sprintf("status file %s not written: %v", w.path, err), "err", err)
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

// writeAtomic writes path (mode 0644, set on the open file before the
// rename: see replaceFile), creating its directory.
func writeAtomic(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return replaceFile(path, 0o644, write)
}
