package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// The dump signals of keepalived 2.2.7 on Linux/glibc (reference 4.2, and
// sigfuncs for --signum): DATA, STATS, JSON (SIGRTMIN+2) and STATS_CLEAR
// (SIGRTMAX-1).
const (
	sigData       = syscall.SIGUSR1
	sigStats      = syscall.SIGUSR2
	sigJSON       = syscall.Signal(36)
	sigStatsClear = syscall.Signal(63)
)

// dumpSignals are added to the daemon's signal.Notify list.
var dumpSignals = []os.Signal{sigData, sigStats, sigJSON, sigStatsClear}

// dumpEngine is what the dump signals need of the engine.
type dumpEngine interface {
	WriteData(w io.Writer) error
	WriteStats(w io.Writer, clear bool) error
	WriteJSON(w io.Writer) error
}

// handleDumpSignal writes the file sig asks for and reports whether sig
// was a dump signal. Failures are logged: a dump never stops the daemon.
func (d *daemon) handleDumpSignal(sig os.Signal) bool {
	name, write, ok := dumpFor(sig, d.eng)
	if !ok {
		return false
	}
	if d.eng == nil {
		return true
	}
	if sig == sigJSON && len(d.eng.Statuses()) == 0 {
		// keepalived writes no JSON file without instances.
		d.log.Info("no vrrp instances: keepalived.json not written", "signal", sig.String())
		return true
	}
	path, err := writeDumpFile(dumpDir(os.Getenv), name, write)
	if err != nil {
		d.log.Warn("dump file not written", "signal", sig.String(), "err", err)
		return true
	}
	d.log.Info("dump file written", "signal", sig.String(), "file", path)
	return true
}

// dumpFor maps a dump signal to its file name and writer; ok is false
// for other signals.
func dumpFor(sig os.Signal, e dumpEngine) (name string, write func(io.Writer) error, ok bool) {
	switch sig {
	case sigData:
		return "keepalived.data", e.WriteData, true
	case sigStats:
		return "keepalived.stats", func(w io.Writer) error { return e.WriteStats(w, false) }, true
	case sigStatsClear:
		return "keepalived.stats", func(w io.Writer) error { return e.WriteStats(w, true) }, true
	case sigJSON:
		return "keepalived.json", e.WriteJSON, true
	}
	return "", nil, false
}

// dumpDir is where keepalived 2.2.7 writes its dump files: $TMPDIR when
// it is an absolute path, else /tmp (reference 4.3).
func dumpDir(getenv func(string) string) string {
	if d := getenv("TMPDIR"); filepath.IsAbs(d) {
		return d
	}
	return "/tmp"
}

// writeDumpFile writes dir/name through a temporary file in the same
// directory and a rename, so a reader never sees half a file and a
// symlink planted at the name in a shared /tmp is replaced, not followed.
// The file has mode 0600, as keepalived's (created under umask 0177).
func writeDumpFile(dir, name string, write func(io.Writer) error) (string, error) {
	path := filepath.Join(dir, name)
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return path, fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	err = write(f)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return path, fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}
