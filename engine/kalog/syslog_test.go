package kalog

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"log/syslog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// listener is a system logger's socket made by a test.
type listener struct {
	path string
	conn *net.UnixConn
}

func listen(t *testing.T, network string) *listener {
	t.Helper()
	l := &listener{path: filepath.Join(t.TempDir(), "log")}
	l.bind(t, network)
	return l
}

func (l *listener) bind(t *testing.T, network string) {
	t.Helper()
	c, err := net.ListenUnixgram(network, &net.UnixAddr{Name: l.path, Net: network})
	if err != nil {
		t.Fatal(err)
	}
	l.conn = c
	t.Cleanup(func() { c.Close() })
}

// read returns the next n datagrams.
func (l *listener) read(t *testing.T, n int) []string {
	t.Helper()
	var got []string
	buf := make([]byte, 4096)
	for len(got) < n {
		l.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		k, err := l.conn.Read(buf)
		if err != nil {
			t.Fatalf("syslog line %d of %d: %v (got %q)", len(got)+1, n, err, got)
		}
		got = append(got, string(buf[:k]))
	}
	return got
}

func pidString() string { return strconv.Itoa(os.Getpid()) }

// TestSyslogLine checks glibc's line format, keepalived's default
// facility and the idents.
func TestSyslogLine(t *testing.T) {
	l := listen(t, "unixgram")
	s := NewSyslog(l.path, syslog.LOG_DAEMON)
	defer s.Close()
	if err := s.Send(at, syslog.LOG_INFO, VRRPIdent, "(VI_1) Entering BACKUP STATE (init)"); err != nil {
		t.Fatal(err)
	}
	want := "<30>Dec  7 09:08:41 Keepalived_vrrp[" + pidString() + "]: (VI_1) Entering BACKUP STATE (init)"
	if got := l.read(t, 1)[0]; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestSyslogReconnects checks that lines reach a logger that started
// after goalived and one that restarted, as glibc's syslog() does.
func TestSyslogReconnects(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	s := NewSyslog(path, syslog.LOG_DAEMON)
	defer s.Close()
	if err := s.Send(at, syslog.LOG_INFO, VRRPIdent, "before"); err == nil {
		t.Fatal("send without a logger: no error")
	}
	l := &listener{path: path}
	l.bind(t, "unixgram")
	if err := s.Send(at, syslog.LOG_INFO, VRRPIdent, "first"); err != nil {
		t.Fatal(err)
	}
	l.read(t, 1)
	l.conn.Close()
	os.Remove(path)
	l.bind(t, "unixgram")
	if err := s.Send(at, syslog.LOG_INFO, VRRPIdent, "after restart"); err != nil {
		t.Fatal(err)
	}
	if got := l.read(t, 1)[0]; !bytes.HasSuffix([]byte(got), []byte(": after restart")) {
		t.Errorf("after the logger's restart: %q", got)
	}
}

// TestSyslogWithoutLogger: with no socket at the path every line fails
// with a not-exist error, at the cost of one small allocation (the
// path's C string), not of an os.Stat and an error per line.
func TestSyslogWithoutLogger(t *testing.T) {
	s := NewSyslog(filepath.Join(t.TempDir(), "log"), syslog.LOG_DAEMON)
	defer s.Close()
	if err := s.Send(at, syslog.LOG_INFO, VRRPIdent, "lost"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("send without a logger: %v, want a not-exist error", err)
	}
	allocs := testing.AllocsPerRun(100, func() { s.Send(at, syslog.LOG_INFO, VRRPIdent, "lost") })
	if allocs > 1 {
		t.Errorf("a line without a logger allocates %.0f times, want at most 1", allocs)
	}
}

// TestSyslogStream checks a logger listening on a stream socket: each
// line ends in a NUL, as glibc sends it.
func TestSyslogStream(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s := NewSyslog(path, syslog.LOG_USER)
	defer s.Close()
	if err := s.Send(at, syslog.LOG_INFO, ParentIdent, "Stopping"); err != nil {
		t.Fatal(err)
	}
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	want := "<14>Dec  7 09:08:41 Keepalived[" + pidString() + "]: Stopping\x00"
	buf := make([]byte, len(want))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != want {
		t.Errorf("got %q, %v; want %q", buf, err, want)
	}
}

// TestSyslogStalled checks that a logger that does not read makes Send
// give up on a line (instead of blocking the daemon as glibc's syslog()
// would), try the next ones without the full wait, and go back to normal
// once the logger reads again.
func TestSyslogStalled(t *testing.T) {
	l := listen(t, "unixgram")
	s := NewSyslog(l.path, syslog.LOG_DAEMON)
	defer s.Close()
	sent := 0
	for ; ; sent++ {
		err := s.Send(at, syslog.LOG_INFO, VRRPIdent, "line")
		if errors.Is(err, os.ErrDeadlineExceeded) {
			break
		}
		if err != nil || sent > 100000 {
			t.Fatalf("after %d lines: %v (the logger's queue never filled)", sent, err)
		}
	}
	if !s.stalled {
		t.Fatal("a timed-out send did not mark the logger stalled")
	}
	l.read(t, sent)
	if err := s.Send(at, syslog.LOG_INFO, VRRPIdent, "again"); err != nil {
		t.Fatalf("send once the logger reads: %v", err)
	}
	if s.stalled {
		t.Error("the logger is still marked stalled after a send went through")
	}
	if got := l.read(t, 1)[0]; !strings.HasSuffix(got, ": again") {
		t.Errorf("line after the stall: %q", got)
	}
}

// BenchmarkSendNoLogger is a line's cost when no logger listens (no
// socket at the path): each line tries to connect again, as glibc does.
func BenchmarkSendNoLogger(b *testing.B) {
	s := NewSyslog(filepath.Join(b.TempDir(), "log"), syslog.LOG_DAEMON)
	now := time.Now()
	for b.Loop() {
		if err := s.Send(now, syslog.LOG_INFO, "Keepalived_vrrp", "(VI_1) setting VIPs."); err == nil {
			b.Fatal("sent without a logger")
		}
	}
}
