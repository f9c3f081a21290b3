package smtp

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/script/smtp/smtptest"
)

func TestMessages(t *testing.T) {
	cases := []struct {
		name  string
		group bool
		state string
		want  Message
		ok    bool
	}{
		{name: "instance master", state: StateMaster, ok: true,
			want: Message{Subject: "[lb1] VRRP Instance VI_1 - Entering MASTER state", Body: "=> VRRP Instance is now owning VRRP VIPs <="}},
		{name: "instance backup", state: StateBackup, ok: true,
			want: Message{Subject: "[lb1] VRRP Instance VI_1 - Entering BACKUP state", Body: "=> VRRP Instance is no longer owning VRRP VIPs <="}},
		{name: "instance fault", state: StateFault, ok: true,
			want: Message{Subject: "[lb1] VRRP Instance VI_1 - Entering FAULT state", Body: "=> VRRP Instance is no longer owning VRRP VIPs <="}},
		{name: "instance stop", state: StateStop, ok: true,
			want: Message{Subject: "[lb1] VRRP Instance VI_1 - Stopping", Body: "=> VRRP Instance stopping <="}},
		{name: "instance deleted", state: StateDeleted, ok: true,
			want: Message{Subject: "[lb1] VRRP Instance VI_1 - Deleted", Body: "=> VRRP Deleted at reload <="}},
		{name: "instance init", state: "INIT"},
		{name: "group master", group: true, state: StateMaster, ok: true,
			want: Message{Subject: "[lb1] VRRP Group VI_1 - Entering MASTER state", Body: "=> All VRRP group instances are now in MASTER state <="}},
		{name: "group stop", group: true, state: StateStop, ok: true,
			want: Message{Subject: "[lb1] VRRP Group VI_1 - Stopping", Body: "=> All VRRP group instances are now stopping <="}},
		{name: "group deleted", group: true, state: StateDeleted},
	}
	for _, tc := range cases {
		f := InstanceMessage
		if tc.group {
			f = GroupMessage
		}
		got, ok := f("lb1", "VI_1", tc.state)
		if ok != tc.ok || got != tc.want {
			t.Errorf("%s: got %+v, %v; want %+v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
	long, _ := InstanceMessage(strings.Repeat("r", 300), "VI_1", StateMaster)
	if len(long.Subject) != 255 {
		t.Errorf("subject of %d bytes, keepalived cuts it at 255", len(long.Subject))
	}
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback TCP here: %v", err)
	}
	return ln
}

func TestSenderDelivers(t *testing.T) {
	srv := smtptest.Start(listen(t))
	t.Cleanup(func() { srv.Close() })
	errs := make(chan error, 4)
	s := NewSender(Config{Server: srv.Addr(), HeloName: "lb1.example", From: "ka@lb1.example",
		To: []string{"ops@example.com", "noc@example.com"}, Timeout: 10 * time.Second}, func(err error) { errs <- err })
	s.now = func() time.Time { return time.Date(2021, 3, 1, 9, 44, 8, 0, time.UTC) }
	m, _ := InstanceMessage("lb1", "VI_1", StateMaster)
	s.Send(m)
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	want := []smtptest.Mail{{Helo: "lb1.example", From: "ka@lb1.example", To: []string{"ops@example.com", "noc@example.com"},
		Data: "Date: Mon, 01 Mar 2021 09:44:08 +0000\r\nFrom: ka@lb1.example\r\nSubject: [lb1] VRRP Instance VI_1 - Entering MASTER state\r\n" +
			"X-Mailer: Keepalived\r\nTo: ops@example.com, noc@example.com\r\n\r\n=> VRRP Instance is now owning VRRP VIPs <=\r\n\r\n"}}
	if diff := cmp.Diff(want, srv.Mails()); diff != "" {
		t.Errorf("received (-want +got):\n%s", diff)
	}
}

// TestSenderTimeout checks that a server that never answers costs one
// timeout and a reported error, and that Send does not wait for it.
func TestSenderTimeout(t *testing.T) {
	ln := listen(t)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() }) // silent: no greeting
		}
	}()
	errs := make(chan error, 1)
	s := NewSender(Config{Server: ln.Addr().String(), HeloName: "h", From: "f@h", To: []string{"t@h"}, Timeout: 200 * time.Millisecond},
		func(err error) { errs <- err })
	t.Cleanup(func() { s.Close(context.Background()) })
	m, _ := InstanceMessage("lb1", "VI_1", StateBackup)
	s.Send(m)
	select {
	case err := <-errs:
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("error %v, want a deadline", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no error reported for a server that never answers")
	}
}

// TestSenderCloseGivesUp checks that Close abandons a hanging exchange
// once its context is done.
func TestSenderCloseGivesUp(t *testing.T) {
	ln := listen(t)
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err == nil {
			t.Cleanup(func() { c.Close() })
		}
	}()
	s := NewSender(Config{Server: ln.Addr().String(), HeloName: "h", From: "f@h", To: []string{"t@h"}, Timeout: time.Hour}, func(error) {})
	m, _ := InstanceMessage("lb1", "VI_1", StateBackup)
	s.Send(m)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := s.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close = %v, want the context's deadline", err)
	}
	s.Send(m) // after Close: ignored, no panic
}
