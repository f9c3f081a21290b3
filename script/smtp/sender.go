package smtp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// Config says where alerts go and how.
type Config struct {
	// Server is "host:port".
	Server   string
	HeloName string
	From     string
	To       []string
	// Timeout bounds each message's whole exchange, from connecting to
	// QUIT (keepalived's smtp_connect_timeout).
	Timeout time.Duration
}

// queueLen bounds the messages waiting for the server: a burst of
// transitions while the server is unreachable drops the newest alerts
// rather than growing without bound.
const queueLen = 64

// ErrQueueFull is reported for an alert dropped because queueLen
// messages were already waiting.
var ErrQueueFull = errors.New("alert queue full")

// Sender delivers messages one at a time on its own goroutine. Send never
// blocks.
type Sender struct {
	cfg   Config
	onErr func(error)
	now   func() time.Time

	queue chan Message
	done  chan struct{}

	mu     sync.Mutex // guards closed, cancel
	closed bool
	cancel context.CancelFunc // aborts the message being sent
}

// NewSender starts a sender; onErr is called (on the sender's goroutine)
// for every alert that could not be delivered.
func NewSender(cfg Config, onErr func(error)) *Sender {
	s := &Sender{cfg: cfg, onErr: onErr, now: time.Now, queue: make(chan Message, queueLen), done: make(chan struct{})}
	go s.run()
	return s
}

// Send queues m. It reports ErrQueueFull through onErr when the queue is
// full and drops m; after Close it does nothing.
func (s *Sender) Send(m Message) {
	s.mu.Lock()
	dropped := false
	if !s.closed {
		select {
		case s.queue <- m:
		default:
			dropped = true
		}
	}
	s.mu.Unlock()
	if dropped {
		s.onErr(fmt.Errorf("drop alert %q: %w", m.Subject, ErrQueueFull))
	}
}

// Close stops taking messages and waits until the queued ones are sent or
// ctx is done, when the one in progress is abandoned. It is idempotent.
func (s *Sender) Close(ctx context.Context) error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.mu.Unlock()
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	if s.cancel != nil {
		s.cancel()
	}
	s.mu.Unlock()
	<-s.done
	return fmt.Errorf("close alert sender: %w", ctx.Err())
}

func (s *Sender) run() {
	defer close(s.done)
	for m := range s.queue {
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
		s.mu.Lock()
		s.cancel = cancel
		s.mu.Unlock()
		if err := s.send(ctx, m); err != nil {
			s.onErr(fmt.Errorf("send alert %q to %s: %w", m.Subject, s.cfg.Server, err))
		}
		cancel()
	}
}

// send delivers m over a connection of its own, as keepalived does.
func (s *Sender) send(ctx context.Context, m Message) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Server)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		if err := conn.SetDeadline(dl); err != nil {
			return err
		}
	}
	// Cancelling ctx (Close giving up) unblocks the exchange.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	c, err := dial(conn)
	if err != nil {
		return err
	}
	defer c.close()
	if err := c.hello(s.cfg.HeloName); err != nil {
		return err
	}
	if err := c.mail(s.cfg.From); err != nil {
		return err
	}
	for _, to := range s.cfg.To {
		if err := c.rcpt(to); err != nil {
			return err
		}
	}
	if err := c.data(data(m, s.cfg.From, s.cfg.To, s.now())); err != nil {
		return err
	}
	return c.quit()
}
