package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// The running daemon's version. keepalived's -v only describes the
// binary; after a hot upgrade the binary on disk and the process running
// can differ (the upgrade may have failed and the old process run on), so
// goalived's -v also says which version runs under the pid file (-p) and
// which version it took over from. A daemon records both in a small file
// beside its pid file, written and removed with it.

// versionFileMax bounds what -v reads of a version file.
const versionFileMax = 4096

// versionFile is the version file of a pid file.
func versionFile(pidFile string) string { return pidFile + ".version" }

// runningRecord is a version file's content.
type runningRecord struct {
	PID     int       `json:"pid"`
	Version string    `json:"version"`
	Since   time.Time `json:"since"` // when this process started or took over
	// From is the process it took over from in a hot upgrade.
	From *upgradedFrom `json:"upgraded_from,omitempty"`
}

type upgradedFrom struct {
	Version string `json:"version"`
	PID     int    `json:"pid"`
}

// writeVersionFile records this process beside pidFile (see
// replaceFile: a link or FIFO planted at the name is replaced).
func writeVersionFile(pidFile string, rec runningRecord) error {
	return replaceFile(versionFile(pidFile), 0o644, func(w io.Writer) error {
		return json.NewEncoder(w).Encode(rec)
	})
}

// removeVersionFile removes pidFile's version file if it still names
// this process (a hot upgrade's new process has replaced it).
func removeVersionFile(pidFile string) {
	if rec, err := readVersionFile(pidFile); err == nil && rec.PID == os.Getpid() {
		os.Remove(versionFile(pidFile))
	}
}

func readVersionFile(pidFile string) (runningRecord, error) {
	var rec runningRecord
	b, err := readSmallFile(versionFile(pidFile), versionFileMax)
	if err != nil {
		return rec, err
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return rec, fmt.Errorf("read %s: %w", versionFile(pidFile), err)
	}
	return rec, nil
}

// errNoDaemon means the pid file names no live process.
var errNoDaemon = errors.New("no daemon running")

// runningDaemon describes the daemon of pidFile: its record, or a
// record with only the pid when the live process wrote none (keepalived,
// or a goalived from before version files, shares the pid file).
func runningDaemon(pidFile string) (runningRecord, bool, error) {
	pid, ok := readPid(pidFile)
	if !ok || !alive(pid) {
		return runningRecord{}, false, errNoDaemon
	}
	rec, err := readVersionFile(pidFile)
	if err != nil || rec.PID != pid {
		return runningRecord{PID: pid}, false, nil
	}
	return rec, true, nil
}

// printRunning writes -v's last paragraph: the daemon running under
// pidFile and, after a hot upgrade, the version it took over from. It
// follows keepalived's layout, which tools parse from the top.
func printRunning(w io.Writer, pidFile string) {
	rec, known, err := runningDaemon(pidFile)
	switch {
	case err != nil:
		fmt.Fprintf(w, "\nRunning daemon:  none (pid file %s)\n", pidFile)
	case !known:
		fmt.Fprintf(w, "\nRunning daemon:  pid %d, not a goalived that records its version (pid file %s)\n", rec.PID, pidFile)
	default:
		fmt.Fprintf(w, "\nRunning daemon:  goalived %s, pid %d, since %s\n", rec.Version, rec.PID, rec.Since.UTC().Format(time.RFC3339))
		if rec.From != nil {
			fmt.Fprintf(w, "Upgraded from:   goalived %s, pid %d (hot upgrade)\n", rec.From.Version, rec.From.PID)
		}
	}
}
