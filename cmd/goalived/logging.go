package main

import (
	"fmt"
	"io"
	"log/slog"
	"log/syslog"
	"os"
	"strings"
)

// newLogger builds the daemon's logger as keepalived's options ask:
// syslog (facility -S, daemon by default) unless -G, the console with -l,
// a file with -g; -D adds detail (debug level).
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
	if o.logFileGiven {
		path := o.logFile
		if path == "" {
			path = "/tmp/keepalived.log"
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("open log file: %w", err)
		}
		writers = append(writers, f)
		closers = append(closers, func() { f.Close() })
	}
	closeAll := func() {
		for _, c := range closers {
			c()
		}
	}
	return slog.New(slog.NewTextHandler(io.MultiWriter(writers...), hopts)), closeAll, nil
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
