// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp)
// that keeps the messages it receives, for tests of e-mail alerts from
// goalived and from keepalived.
package smtptest

import (
	"errors"
	"io"
	"net"
	"sync"

	gosmtp "github.com/emersion/go-smtp"
)

// Mail is one received message.
type Mail struct {
	Helo string
	From string
	To   []string
	// Data is the DATA section as received, headers and body.
	Data string
}

// Server is an SMTP server on a listener of the caller's.
type Server struct {
	srv  *gosmtp.Server
	addr string
	done chan struct{}

	mu    sync.Mutex // guards mails
	mails []Mail
}

// Start serves SMTP on ln until Close.
func Start(ln net.Listener) *Server {
	s := &Server{addr: ln.Addr().String(), done: make(chan struct{})}
	s.srv = gosmtp.NewServer(backend{s})
	s.srv.Domain = "smtptest.invalid"
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	return s
}

// Addr is the listener's address.
func (s *Server) Addr() string { return s.addr }

// Mails returns the messages received so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Close stops the server and waits for it.
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.done
	if errors.Is(err, gosmtp.ErrServerClosed) {
		return nil
	}
	return err
}

type backend struct{ s *Server }

func (b backend) NewSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	return &session{s: b.s, c: c}, nil
}

type session struct {
	s *Server
	c *gosmtp.Conn
	m Mail
}

func (ss *session) Reset()        { ss.m = Mail{} }
func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *gosmtp.MailOptions) error {
	ss.m.From = from
	return nil
}

func (ss *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	ss.m.To = append(ss.m.To, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.m.Data = string(b)
	ss.m.Helo = ss.c.Hostname()
	ss.s.mu.Lock()
	ss.s.mails = append(ss.s.mails, ss.m)
	ss.s.mu.Unlock()
	return nil
}
