package main

import (
	"fmt"
	"io"
	"log/slog"
	"log/syslog"
	"os"
	"path/filepath"
	"strings"
)

// newLogger builds the daemon's logger as keepalived's options ask:
// syslog (facility -S, daemon by default) unless -G, the console with -l,
// a file with -g (see logFilePath); -D adds detail (debug level).
func newLogger(o *options, stderr io.Writer) (*slog.Logger, func(), error) {
	level := slog.LevelInfo
	if o.logDetail > 0 {
		level = slog.LevelDebug
	}
	hopts := &slog.HandlerOptions{Level: level}
	var writers []io.Writer
	var closers []func()
	if o.logConsole || o.configTest {
		writers = append(writers, stderr)
	}
	if !o.noSyslog && !o.logConsole {
		fac, err := facility(o.logFacility)
		if err != nil {
			return nil, nil, err
		}
		w, err := syslog.New(fac|syslog.LOG_INFO, "Keepalived_vrrp")
		if err == nil {
			writers = append(writers, w)
			closers = append(closers, func() { w.Close() })
		}
	}
	var fileErr error
	if o.logFileGiven {
		f, err := openAppendSafe(logFilePath(o.logFile, os.Getenv))
		if err == nil {
			writers = append(writers, f)
			closers = append(closers, func() { f.Close() })
		}
		fileErr = err
	}
	closeAll := func() {
		for _, c := range closers {
			c()
		}
	}
	log := slog.New(slog.NewTextHandler(io.MultiWriter(writers...), hopts))
	if fileErr != nil {
		// keepalived logs "Unable to open" and runs without the file:
		// a file planted at the path must not keep the daemon down.
		log.Error("log file not opened; logging without it", "err", fileErr)
	}
	return log, closeAll, nil
}

// logFilePath is where -g logs: a relative name (keepalived.log when none
// is given) is in the dump directory ($TMPDIR or /tmp), as keepalived
// 2.2.7 built with log files puts it. The file is opened safely there
// (openAppendSafe): only a regular file of ours with one link.
func logFilePath(name string, getenv func(string) string) string {
	if name == "" {
		name = "keepalived.log"
	}
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dumpDir(getenv), name)
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
