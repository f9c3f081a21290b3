package main

import (
	"net"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syslogLine is one datagram a daemon sent to the system logger.
type syslogLine struct {
	Pri   int    // facility*8 + severity
	Ident string // Keepalived or Keepalived_vrrp
	Pid   int
	Msg   string
}

// syslogFormat is glibc's syslog() line for openlog(ident, LOG_PID, ...).
var syslogFormat = regexp.MustCompile(`^<(\d+)>[A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d ([A-Za-z_]+)\[(\d+)\]: (.*)$`)

func parseSyslogLine(s string) (syslogLine, bool) {
	m := syslogFormat.FindStringSubmatch(s)
	if m == nil {
		return syslogLine{}, false
	}
	pri, _ := strconv.Atoi(m[1])
	pid, _ := strconv.Atoi(m[3])
	return syslogLine{Pri: pri, Ident: m[2], Pid: pid, Msg: m[4]}, true
}

// syslogSink is a system logger's socket made by a test: a unixgram
// socket in a directory of the test, read until the end of the test.
type syslogSink struct {
	path string
	mu   sync.Mutex
	raw  []string
}

func newSyslogSink(t *testing.T) *syslogSink {
	t.Helper()
	s := &syslogSink{path: filepath.Join(t.TempDir(), "log")}
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: s.path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 8192)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			s.mu.Lock()
			s.raw = append(s.raw, string(buf[:n]))
			s.mu.Unlock()
		}
	}()
	t.Cleanup(func() { c.Close(); <-done })
	return s
}

// lines are the datagrams received so far, parsed; a datagram that is not
// a syslog line fails the test.
func (s *syslogSink) lines(t testing.TB) []syslogLine {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]syslogLine, 0, len(s.raw))
	for _, r := range s.raw {
		l, ok := parseSyslogLine(r)
		if !ok {
			t.Fatalf("not a syslog line: %q", r)
		}
		out = append(out, l)
	}
	return out
}

// waitMsg waits until a line of ident carries msg.
func (s *syslogSink) waitMsg(t testing.TB, ident, msg string, within time.Duration) {
	t.Helper()
	waitFor(t, within, func() bool {
		for _, l := range s.lines(t) {
			if l.Ident == ident && l.Msg == msg {
				return true
			}
		}
		return false
	}, func() string { return ident + " to log " + msg + "\n" + s.dump(t) })
}

func (s *syslogSink) dump(t testing.TB) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.raw, "\n")
}

// messages are the messages of ident's lines, in order.
func messages(lines []syslogLine, ident string) []string {
	var out []string
	for _, l := range lines {
		if l.Ident == ident {
			out = append(out, l.Msg)
		}
	}
	return out
}
