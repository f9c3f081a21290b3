package main

import (
	"fmt"
	"io"
	"log/slog"
	"log/syslog"
	"strings"

	"github.com/goalived/goalived/engine/kalog"
)

// newLogger builds the daemon's logger as keepalived's options ask (see
// logOptions), with the log files of -g.
func newLogger(o *options, stderr io.Writer) (*slog.Logger, func(), error) {
	ko, err := logOptions(o, stderr)
	if err != nil {
		return nil, nil, err
	}
	var closers []func()
	closeAll := func() {
		for _, c := range closers {
			c()
		}
	}
	if ko.Syslog != nil {
		closers = append(closers, func() { ko.Syslog.Close() })
	}
	var fileErrs []error
	if o.logFileGiven {
		parentPath, vrrpPath := logFileNames(o.logFile)
		for _, lf := range []struct {
			path string
			dst  *io.Writer
		}{{parentPath, &ko.ParentFile}, {vrrpPath, &ko.VRRPFile}} {
			// Opened safely (openAppendSafe): only a regular file of ours
			// with one link, never through a link someone planted.
			f, err := openAppendSafe(lf.path)
			if err != nil {
				fileErrs = append(fileErrs, err)
				continue
			}
			*lf.dst = f
			closers = append(closers, func() { f.Close() })
		}
	}
	log := slog.New(kalog.NewHandler(ko))
	for _, err := range fileErrs {
		// keepalived logs "Unable to open" and runs without the file:
		// a file planted at the path must not keep the daemon down.
		log.Error(fmt.Sprintf("log file not opened, logging without it: %v", err), "err", err)
	}
	return log, closeAll, nil
}

// facility maps -S values: 0-7 and local0-7 are LOG_LOCALn, plus user and
// daemon (the default).
func facility(s string) (syslog.Priority, error) {
	switch s {
	case "", "daemon":
		return syslog.LOG_DAEMON, nil
	case "user":
		return syslog.LOG_USER, nil
	}
	s = strings.TrimPrefix(s, "local")
	if len(s) == 1 && s[0] >= '0' && s[0] <= '7' {
		return syslog.LOG_LOCAL0 + syslog.Priority(s[0]-'0')<<3, nil
	}
	return 0, fmt.Errorf("invalid log facility %q (want 0-7, local0-7, user or daemon)", s)
}
