package script

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"
)

// capture collects the first bytes a script writes to stdout/stderr. The
// pipe is drained until EOF even past the limit, so the script (or a
// grandchild still holding the pipe) never blocks on a full pipe nor gets
// SIGPIPE.
type capture struct {
	w    *os.File // write end, owned until started/abandon
	r    *os.File
	done chan struct{}

	mu    sync.Mutex
	buf   []byte
	limit int
}

func attachCapture(cmd *exec.Cmd, limit int) (*capture, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("create output pipe: %w", err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	return &capture{w: w, r: r, done: make(chan struct{}), limit: limit}, nil
}

// started closes our copy of the write end and starts draining.
func (c *capture) started() {
	if c == nil {
		return
	}
	c.w.Close()
	go c.drain()
}

// abandon releases both ends when the process never started.
func (c *capture) abandon() {
	if c == nil {
		return
	}
	c.w.Close()
	c.r.Close()
}

func (c *capture) drain() {
	defer close(c.done)
	defer c.r.Close()
	tmp := make([]byte, 4096)
	for {
		n, err := c.r.Read(tmp)
		c.mu.Lock()
		if room := c.limit - len(c.buf); room > 0 {
			c.buf = append(c.buf, tmp[:min(n, room)]...)
		}
		c.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// collect returns what was captured, waiting at most grace for EOF.
func (c *capture) collect(grace time.Duration) []byte {
	if c == nil {
		return nil
	}
	t := time.NewTimer(grace)
	select {
	case <-c.done:
	case <-t.C:
	}
	t.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.buf...)
}
