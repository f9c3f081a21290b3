package parser

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// globalEmailTo reads the notification_email block: each word is an
// address.
func globalEmailTo(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	if !b.needBlock(s) {
		return
	}
	var to []string
	for _, line := range s.Block.Stmts {
		to = append(append(to, line.Keyword), words(line)...)
	}
	if len(to) == 0 {
		b.warnf(s.Pos, s.Keyword, "Warning - empty notification_email block")
		return
	}
	g.Email.To = append(g.Email.To, to...)
}

func globalEmailFrom(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	from, ok := arg(s, 0)
	if !ok {
		b.warnf(s.Pos, s.Keyword, "emailfrom missing - ignoring")
		return
	}
	g.Email.From = from
	b.extraWords(s, 1)
}

// globalSMTPServer reads "smtp_server HOST [PORT]"; HOST is an address or
// a name resolved when an alert is sent.
func globalSMTPServer(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	host, ok := arg(s, 0)
	if !ok {
		b.warnf(s.Pos, s.Keyword, "missing value")
		return
	}
	port := "25"
	if p, given := arg(s, 1); given {
		port = p
	}
	if !validSMTPServer(host, port) {
		b.warnf(argPos(s, 0), s.Keyword, "Invalid smtp server %s %s", host, port)
		return
	}
	g.Email.Server = net.JoinHostPort(host, port)
	b.extraWords(s, 2)
}

func validSMTPServer(host, port string) bool {
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	return host != "" && !strings.ContainsAny(host, "/ ")
}

func globalSMTPHelo(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	if name, ok := arg(s, 0); ok {
		g.Email.HeloName = name
	}
	b.extraWords(s, 1)
}

// globalSMTPTimeout reads smtp_connect_timeout in seconds; keepalived
// 2.2.7 turns 0 into 1.
func globalSMTPTimeout(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	const hi = math32 / 1000000
	v, ok := b.intArg(s, 0, 0, hi)
	if !ok {
		if text, given := arg(s, 0); given {
			b.warnf(argPos(s, 0), s.Keyword, "smtp_connect_timeout '%s' must be in [0, %d] - ignoring", text, hi)
		}
		return
	}
	if v == 0 {
		b.warnf(argPos(s, 0), s.Keyword, "smtp_conect_timeout must be greater than 0, setting to 1")
		v = 1
	}
	g.Email.ConnectTimeout = time.Duration(v) * time.Second
	b.extraWords(s, 1)
}

const math32 = 1<<32 - 1

// globalAlert returns the handler of smtp_alert or smtp_alert_vrrp.
func globalAlert(field func(e *config.Email) **bool) globalHandler {
	return func(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
		v, ok := b.alertArg(s, "Invalid value '%s' for global "+s.Keyword+" specified")
		if ok {
			*field(&g.Email) = &v
		}
	}
}

// alertArg reads an smtp_alert [BOOL] line with keepalived's message for
// a bad value (format takes the value).
func (b *builder) alertArg(s *syntax.Stmt, format string) (bool, bool) {
	text, given := arg(s, 0)
	if !given {
		return true, true
	}
	b.extraWords(s, 1)
	switch text {
	case "on", "true", "yes":
		return true, true
	case "off", "false", "no":
		return false, true
	}
	b.warnf(argPos(s, 0), s.Keyword, format, text)
	return false, false
}

// finishEmail applies keepalived's defaults once global_defs is read:
// with an smtp_server, the connect timeout, the HELO name (the host's
// name) and the sender (USER@HOSTNAME), the last two only when the host
// name is known, as keepalived 2.2.7 does.
func finishEmail(e *config.Email, hostname, username string) {
	if e.Server == "" {
		return
	}
	if e.ConnectTimeout == 0 {
		e.ConnectTimeout = config.DefaultSMTPConnectTimeout
	}
	if hostname == "" || hostname == unknownHost {
		return
	}
	if e.HeloName == "" {
		e.HeloName = hostname
	}
	if e.From == "" && username != "" {
		e.From = username + "@" + hostname
	}
}

// alertDefault resolves an instance's or group's smtp_alert: its own
// keyword, else smtp_alert_vrrp, else smtp_alert, else off.
func alertDefault(own *bool, e config.Email) bool {
	switch {
	case own != nil:
		return *own
	case e.AlertVRRP != nil:
		return *e.AlertVRRP
	case e.Alert != nil:
		return *e.Alert
	}
	return false
}
