package smtp

import (
	"errors"
	"net"
	"net/textproto"
	"strings"
)

// client speaks the part of SMTP an alert needs, on the wire exactly as
// the standard library's net/smtp client did before it (EHLO, HELO if
// the server refuses it, MAIL FROM with BODY=8BITMIME and SMTPUTF8 when
// offered, RCPT TO, DATA dot-stuffed, QUIT). net/smtp linked crypto/tls,
// crypto/x509 and math/big into the daemon for STARTTLS and AUTH, which
// alerts never use (keepalived 2.2.7 has neither): about 1.4 MB of the
// binary, most of it resident.
type client struct {
	text *textproto.Conn
	ext  map[string]string // the EHLO extensions; nil after HELO
}

// errLine is net/smtp's error for a command argument that would end the
// line early.
var errLine = errors.New("smtp: A line must not contain CR or LF")

// dial reads the server's greeting on conn.
func dial(conn net.Conn) (*client, error) {
	text := textproto.NewConn(conn)
	if _, _, err := text.ReadResponse(220); err != nil {
		text.Close()
		return nil, err
	}
	return &client{text: text}, nil
}

// cmd sends one command and reads its reply, which must start with
// expect (a code or its first digits).
func (c *client) cmd(expect int, format string, args ...any) (string, error) {
	id, err := c.text.Cmd(format, args...)
	if err != nil {
		return "", err
	}
	c.text.StartResponse(id)
	defer c.text.EndResponse(id)
	_, msg, err := c.text.ReadResponse(expect)
	return msg, err
}

// hello greets the server as name: EHLO, then HELO if EHLO is refused.
func (c *client) hello(name string) error {
	if strings.ContainsAny(name, "\n\r") {
		return errLine
	}
	msg, err := c.cmd(250, "EHLO %s", name)
	if err != nil {
		c.ext = nil
		_, err = c.cmd(250, "HELO %s", name)
		return err
	}
	c.ext = map[string]string{}
	if lines := strings.Split(msg, "\n"); len(lines) > 1 {
		for _, line := range lines[1:] {
			k, v, _ := strings.Cut(line, " ")
			c.ext[k] = v
		}
	}
	return nil
}

// mail starts a message from the envelope sender from.
func (c *client) mail(from string) error {
	if strings.ContainsAny(from, "\n\r") {
		return errLine
	}
	format := "MAIL FROM:<%s>"
	if _, ok := c.ext["8BITMIME"]; ok {
		format += " BODY=8BITMIME"
	}
	if _, ok := c.ext["SMTPUTF8"]; ok {
		format += " SMTPUTF8"
	}
	_, err := c.cmd(250, format, from)
	return err
}

// rcpt adds the recipient to.
func (c *client) rcpt(to string) error {
	if strings.ContainsAny(to, "\n\r") {
		return errLine
	}
	_, err := c.cmd(25, "RCPT TO:<%s>", to)
	return err
}

// data sends body as the message, dot-stuffed and ended by a lone dot.
func (c *client) data(body string) error {
	if _, err := c.cmd(354, "DATA"); err != nil {
		return err
	}
	w := c.text.DotWriter()
	if _, err := w.Write([]byte(body)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	_, _, err := c.text.ReadResponse(250)
	return err
}

// quit ends the session.
func (c *client) quit() error {
	if _, err := c.cmd(221, "QUIT"); err != nil {
		return err
	}
	return c.text.Close()
}

// close drops the connection.
func (c *client) close() error { return c.text.Close() }
