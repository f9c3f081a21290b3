package kalog

import (
	"errors"
	"fmt"
	"io/fs"
	"log/syslog"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// DefaultSyslogPath is the socket of the system logger glibc's syslog()
// writes to.
const DefaultSyslogPath = "/dev/log"

// Write deadlines of Send: how long a line may wait for a logger that does
// not read, and how long once one line has timed out. keepalived 2.2.7
// (glibc's syslog) blocks for as long as the logger does, which stops its
// adverts; goalived drops the line instead, and while the logger stays
// stuck it tries each line without waiting.
const (
	sendWait    = time.Second
	stalledWait = time.Millisecond
)

// Syslog sends lines to the system logger as glibc's syslog() does for
// keepalived's openlog(ident, LOG_PID, facility): "<PRI>Mmm dd hh:mm:ss
// IDENT[PID]: MESSAGE" over a datagram socket (a stream socket with a NUL
// after each line when the logger listens on one). It connects on first
// use and again after a failure, so a logger started or restarted after
// goalived still gets the lines, as with glibc.
type Syslog struct {
	path     string
	facility syslog.Priority
	pid      int

	// absent is what Send returns while no socket is at path: made once,
	// since on a host without a logger every line meets it.
	absent error

	mu      sync.Mutex
	conn    net.Conn
	stream  bool
	stalled bool
}

// NewSyslog returns a Syslog for the socket at path (DefaultSyslogPath if
// empty) and the facility of -S (syslog.LOG_DAEMON by default in
// keepalived).
func NewSyslog(path string, facility syslog.Priority) *Syslog {
	if path == "" {
		path = DefaultSyslogPath
	}
	return &Syslog{path: path, facility: facility &^ 7, pid: os.Getpid(),
		absent: fmt.Errorf("connect to syslog %s: %w", path, &fs.PathError{Op: "stat", Path: path, Err: syscall.ENOENT})}
}

// Send writes one line of ident at severity sev, stamped t.
func (s *Syslog) Send(t time.Time, sev syslog.Priority, ident, msg string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	// As glibc: one reconnection when a send fails (the logger restarted).
	for attempt := 0; attempt < 2; attempt++ {
		if s.conn == nil {
			if err = s.connectLocked(); err != nil {
				return err
			}
		}
		err = s.sendLocked(t, sev, ident, msg)
		if err == nil || errors.Is(err, os.ErrDeadlineExceeded) && !s.stream {
			return err
		}
		s.conn.Close()
		s.conn = nil
	}
	return err
}

func (s *Syslog) connectLocked() error {
	// Without a logger (no socket at path) each line tries again, as
	// glibc's syslog() does; a stat says so for a fraction of a failed
	// dial's cost (1000 detail lines of a reload spent 20 ms dialing),
	// and without garbage: a start of 1000 instances wrote 20000 lines
	// whose failed os.Stat calls and errors made 8 MiB of it.
	var st unix.Stat_t
	if err := unix.Stat(s.path, &st); errors.Is(err, unix.ENOENT) {
		return s.absent
	} else if err != nil {
		return fmt.Errorf("connect to syslog %s: %w", s.path, &fs.PathError{Op: "stat", Path: s.path, Err: err})
	}
	c, err := net.Dial("unixgram", s.path)
	s.stream = false
	if errors.Is(err, syscall.EPROTOTYPE) {
		c, err = net.Dial("unix", s.path)
		s.stream = true
	}
	if err != nil {
		return fmt.Errorf("connect to syslog %s: %w", s.path, err)
	}
	s.conn = c
	return nil
}

func (s *Syslog) sendLocked(t time.Time, sev syslog.Priority, ident, msg string) error {
	b := fmt.Appendf(nil, "<%d>", s.facility|sev&7)
	b = t.AppendFormat(b, time.Stamp)
	b = fmt.Appendf(b, " %s[%d]: %s", ident, s.pid, msg)
	if s.stream {
		b = append(b, 0)
	}
	wait := sendWait
	if s.stalled {
		wait = stalledWait
	}
	s.conn.SetWriteDeadline(time.Now().Add(wait))
	_, err := s.conn.Write(b)
	s.stalled = errors.Is(err, os.ErrDeadlineExceeded)
	if err != nil {
		return fmt.Errorf("send to syslog %s: %w", s.path, err)
	}
	return nil
}

// Close closes the connection; a later Send connects again.
func (s *Syslog) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn = nil
	return err
}
