package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"syscall"

	"github.com/goalived/goalived/engine"
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
	WriteParentData(w io.Writer) error
	WriteStats(w io.Writer, clear bool) error
	WriteJSON(w io.Writer) error
	DataFileName(name string) string
}

// handleDumpSignal writes the files sig asks for and reports whether sig
// was a dump signal. Failures are logged: a dump never stops the daemon.
func (d *daemon) handleDumpSignal(sig os.Signal) bool {
	if !slices.Contains(dumpSignals, sig) {
		return false
	}
	if d.eng == nil {
		return true
	}
	if sig == sigJSON && len(d.eng.Statuses()) == 0 {
		// keepalived writes no JSON file without instances.
		d.log.Info(fmt.Sprintf("no vrrp instances: keepalived.json not written on %s", sig), "signal", sig.String())
		return true
	}
	dir := dumpDir(os.Getenv)
	for _, f := range dumpFor(sig, d.eng) {
		path, err := writeDumpFile(dir, f.name, f.write)
		if err != nil {
			d.log.Warn(fmt.Sprintf("dump file not written on %s: %v", sig, err), "signal", sig.String(), "err", err)
			continue
		}
		d.log.Info(fmt.Sprintf("dump file %s written on %s", path, sig), "signal", sig.String(), "file", path)
	}
	return true
}

// dumpFile is one file a dump signal writes.
type dumpFile struct {
	name  string
	write func(io.Writer) error
}

// dumpFor lists the files a dump signal writes, in keepalived's order;
// none for other signals. USR1 writes two: keepalived's parent process
// writes keepalived_parent.data and passes the signal on to the VRRP
// child, which writes keepalived.data (data_use_instance may rename both).
func dumpFor(sig os.Signal, e dumpEngine) []dumpFile {
	switch sig {
	case sigData:
		return []dumpFile{
			{e.DataFileName(engine.ParentDataFile), e.WriteParentData},
			{e.DataFileName(engine.DataFile), e.WriteData},
		}
	case sigStats:
		return []dumpFile{{"keepalived.stats", func(w io.Writer) error { return e.WriteStats(w, false) }}}
	case sigStatsClear:
		return []dumpFile{{"keepalived.stats", func(w io.Writer) error { return e.WriteStats(w, true) }}}
	case sigJSON:
		return []dumpFile{{"keepalived.json", e.WriteJSON}}
	}
	return nil
}

// dumpDir is where keepalived 2.2.7 writes its dump files: $TMPDIR when
// it is an absolute path, else /tmp (reference 4.3).
func dumpDir(getenv func(string) string) string {
	if d := getenv("TMPDIR"); filepath.IsAbs(d) {
		return d
	}
	return "/tmp"
}

// writeDumpFile writes dir/name through a new file and a rename
// (replaceFile), so a reader never sees half a file and a link planted at
// the name in a shared /tmp is replaced, not followed. The file has mode
// 0666 less the umask, as keepalived's (0600 under its default umask
// 0177; the umask keyword or -u change it).
func writeDumpFile(dir, name string, write func(io.Writer) error) (string, error) {
	path := filepath.Join(dir, name)
	return path, replaceFile(path, umaskedMode(0o666), write)
}
