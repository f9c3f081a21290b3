package smtp

import (
	"bufio"
	"net"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestClientConversation checks the commands on the wire against a
// scripted server: the ones net/smtp's client sent before the daemon had
// a client of its own.
func TestClientConversation(t *testing.T) {
	tests := []struct {
		name  string
		ehlo  string // the server's reply to EHLO
		body  string
		wants []string
	}{
		{
			name: "EHLO with extensions",
			ehlo: "250-mx greets\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
			body: "Subject: x\r\n\r\n.dot\r\n",
			wants: []string{"EHLO helo.example", "MAIL FROM:<a@x> BODY=8BITMIME SMTPUTF8",
				"RCPT TO:<b@x>", "RCPT TO:<c@x>", "DATA", "Subject: x", "", "..dot", ".", "QUIT"},
		},
		{
			name:  "EHLO refused, HELO",
			ehlo:  "502 no\r\n",
			body:  "hi",
			wants: []string{"EHLO helo.example", "HELO helo.example", "MAIL FROM:<a@x>", "RCPT TO:<b@x>", "RCPT TO:<c@x>", "DATA", "hi", ".", "QUIT"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cli, srv := net.Pipe()
			got := make(chan []string, 1)
			go serveScript(srv, tt.ehlo, got)
			c, err := dial(cli)
			if err != nil {
				t.Fatal(err)
			}
			defer c.close()
			steps := []func() error{
				func() error { return c.hello("helo.example") },
				func() error { return c.mail("a@x") },
				func() error { return c.rcpt("b@x") },
				func() error { return c.rcpt("c@x") },
				func() error { return c.data(tt.body) },
				c.quit,
			}
			for i, step := range steps {
				if err := step(); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			if diff := cmp.Diff(tt.wants, <-got); diff != "" {
				t.Errorf("commands (-want +got):\n%s", diff)
			}
		})
	}
}

// serveScript answers a client as an SMTP server would and sends the
// lines it received on got once the client quits.
func serveScript(conn net.Conn, ehlo string, got chan<- []string) {
	defer conn.Close()
	var lines []string
	defer func() { got <- lines }()
	r := bufio.NewReader(conn)
	reply := func(s string) bool { _, err := conn.Write([]byte(s)); return err == nil }
	if !reply("220 mx ready\r\n") {
		return
	}
	inData := false
	for {
		l, err := r.ReadString('\n')
		if err != nil {
			return
		}
		l = strings.TrimSuffix(l, "\r\n")
		lines = append(lines, l)
		switch {
		case inData && l == ".":
			inData = false
			reply("250 queued\r\n")
		case inData:
		case strings.HasPrefix(l, "EHLO"):
			reply(ehlo)
		case l == "DATA":
			inData = true
			reply("354 go on\r\n")
		case l == "QUIT":
			reply("221 bye\r\n")
			return
		default:
			reply("250 ok\r\n")
		}
	}
}

func TestClientRefusesLineBreaks(t *testing.T) {
	c := &client{}
	for _, err := range []error{c.hello("a\r\nb"), c.mail("a\nb"), c.rcpt("a\rb")} {
		if err != errLine {
			t.Errorf("got %v, want %v", err, errLine)
		}
	}
}
