package script

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Transition is one notification: an instance or sync group entering a
// state. State is MASTER, BACKUP, FAULT, STOP or DELETED for scripts; FIFO
// lines may also carry MASTER_RX_LOWER_PRI, MASTER_PRIORITY and
// BACKUP_PRIORITY.
type Transition struct {
	// Group is true for a vrrp_sync_group (type GROUP, priority 0).
	Group    bool
	Name     string
	State    string
	Priority int
}

// Type is INSTANCE or GROUP.
func (t Transition) Type() string {
	if t.Group {
		return "GROUP"
	}
	return "INSTANCE"
}

// priority is the reported priority: always 0 for groups.
func (t Transition) priority() int {
	if t.Group {
		return 0
	}
	return t.Priority
}

// FIFOLine is keepalived's notify FIFO line: `INSTANCE "VI_1" MASTER 110`
// followed by a newline.
func (t Transition) FIFOLine() string {
	return t.Type() + ` "` + t.Name + `" ` + t.State + " " + strconv.Itoa(t.priority()) + "\n"
}

// FIFO is a notify FIFO opened the way keepalived's fifo_open does.
type FIFO struct {
	path    string
	fd      int
	created bool
	dropped atomic.Uint64

	mu     sync.Mutex // serialises writes and close
	closed bool

	reader     *Command
	readerStop context.CancelFunc
	readerDone chan struct{}
}

// FIFOConfig describes a vrrp_notify_fifo / notify_fifo.
type FIFOConfig struct {
	Path string
	// Owner, if set, is the user:group a newly created FIFO is chowned to,
	// and an existing FIFO may be owned by it.
	Owner *Identity
	// Reader, if set, is the fifo script; the FIFO path is appended to its
	// argv and it runs until Close.
	Reader *Command
}

// ErrNotOurFIFO: the path exists but is not a FIFO owned by us or Owner
// (keepalived HEAD's protection against planted files).
var ErrNotOurFIFO = errors.New("not a fifo we own")

// OpenFIFO creates the FIFO if missing (mode 0600), chowns it to Owner,
// starts the reader script, then opens the FIFO read-write and
// non-blocking, so that writes never block and a missing reader is not an
// error.
func OpenFIFO(cfg FIFOConfig) (*FIFO, error) {
	f := &FIFO{path: cfg.Path, fd: -1}
	if err := unix.Mkfifo(cfg.Path, 0o600); err == nil {
		f.created = true
		if o := cfg.Owner; o != nil && (o.UID != uint32(os.Getuid()) || o.GID != uint32(os.Getgid())) {
			if err := os.Chown(cfg.Path, int(o.UID), int(o.GID)); err != nil {
				f.unlink()
				return nil, fmt.Errorf("open notify fifo %s: %w", cfg.Path, err)
			}
		}
	} else if !errors.Is(err, unix.EEXIST) {
		return nil, fmt.Errorf("open notify fifo %s: mkfifo: %w", cfg.Path, err)
	}
	if cfg.Reader != nil {
		f.startReader(*cfg.Reader)
	}
	fd, err := unix.Open(cfg.Path, unix.O_RDWR|unix.O_CLOEXEC|unix.O_NONBLOCK|unix.O_NOFOLLOW, 0)
	if err == nil {
		err = checkFIFOOwner(fd, cfg.Owner)
		if err != nil {
			unix.Close(fd)
		}
	}
	if err != nil {
		f.stopReader()
		f.unlink()
		return nil, fmt.Errorf("open notify fifo %s: %w", cfg.Path, err)
	}
	f.fd = fd
	return f, nil
}

func checkFIFOOwner(fd int, owner *Identity) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	ours := st.Uid == uint32(os.Getuid()) || owner != nil && st.Uid == owner.UID
	if st.Mode&unix.S_IFMT != unix.S_IFIFO || !ours {
		return ErrNotOurFIFO
	}
	return nil
}

func (f *FIFO) startReader(c Command) {
	c.Argv = append(append([]string(nil), c.Argv...), f.path)
	c.Timeout = 0
	ctx, cancel := context.WithCancel(context.Background())
	f.readerStop, f.readerDone = cancel, make(chan struct{})
	go func() {
		defer close(f.readerDone)
		_, _ = Run(ctx, c) // argv is non-empty; its exit status is not used
	}()
}

// stopReader kills the reader script's process group (SIGTERM, SIGKILL
// after 1 s) and waits for it. keepalived does this before writing STOP
// lines at shutdown, so its own reader never sees STOP.
func (f *FIFO) stopReader() {
	if f.readerStop == nil {
		return
	}
	f.readerStop()
	<-f.readerDone
	f.readerStop = nil
}

func (f *FIFO) unlink() {
	if f.created {
		_ = os.Remove(f.path)
		f.created = false
	}
}

// Path is the FIFO's path.
func (f *FIFO) Path() string { return f.path }

// Dropped counts lines lost because the FIFO was full (keepalived drops
// them silently).
func (f *FIFO) Dropped() uint64 { return f.dropped.Load() }

// Write writes t's line without ever blocking. A full FIFO drops the line
// (counted in Dropped) and is not an error.
func (f *FIFO) Write(t Transition) error {
	line := []byte(t.FIFOLine())
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return fmt.Errorf("write notify fifo %s: %w", f.path, os.ErrClosed)
	}
	for {
		_, err := unix.Write(f.fd, line) // lines < PIPE_BUF are atomic
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EAGAIN):
			f.dropped.Add(1)
			return nil
		}
		return fmt.Errorf("write notify fifo %s: %w", f.path, err)
	}
}

// StopReader kills the reader script now, leaving the FIFO open.
func (f *FIFO) StopReader() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopReader()
}

// Close stops the reader, unlinks a FIFO we created (first, so a reader
// looping on reopen cannot reopen it) and closes it. Idempotent.
func (f *FIFO) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	f.stopReader()
	f.unlink()
	if err := unix.Close(f.fd); err != nil {
		return fmt.Errorf("close notify fifo %s: %w", f.path, err)
	}
	return nil
}
