package main

import (
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/script/smtp/smtptest"
)

// TestAlerterRules checks which notified changes are e-mailed: only
// instances and groups with smtp_alert, once per new state, no FAULT with
// no_email_faults, nothing without a server; after a reload, a removed
// instance's last notification under its old smtp_alert.
func TestAlerterRules(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback TCP here: %v", err)
	}
	srv := smtptest.Start(ln)
	t.Cleanup(func() { srv.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	email := config.Email{To: []string{"ops@example.com"}, From: "ka@lb1", Server: srv.Addr(), HeloName: "lb1",
		ConnectTimeout: 5 * time.Second, NoFaults: true}
	cfg := &config.Config{
		Global:     config.GlobalDefs{RouterID: "lb1", Email: email},
		Instances:  []*config.Instance{{Name: "VI_1", SMTPAlert: true}, {Name: "VI_2"}, {Name: "G"}},
		SyncGroups: []*config.SyncGroup{{Name: "G", SMTPAlert: true}, {Name: "H"}},
	}
	a := newAlerter(cfg, nil, log)
	inst := func(name, state string) script.Transition { return script.Transition{Name: name, State: state} }
	group := func(name, state string) script.Transition {
		return script.Transition{Group: true, Name: name, State: state}
	}
	for _, tr := range []script.Transition{
		inst("VI_1", "BACKUP"),
		inst("VI_1", "BACKUP"),              // same state: no second alert
		inst("VI_2", "MASTER"),              // no smtp_alert
		inst("VI_1", "FAULT"),               // no_email_faults
		inst("VI_1", "MASTER_RX_LOWER_PRI"), // not a state keepalived e-mails
		inst("VI_1", "MASTER"),
		inst("G", "MASTER"), // the instance G has no smtp_alert, the group G has
		group("G", "MASTER"),
		group("H", "MASTER"), // no smtp_alert
		group("G", "FAULT"),
		group("G", "STOP"),
	} {
		a.notified(tr)
	}
	a.close(log)

	// A reload removes VI_1 (smtp_alert) and VI_2 (none), keeps G.
	next := &config.Config{Global: cfg.Global, Instances: []*config.Instance{{Name: "VI_3"}}, SyncGroups: cfg.SyncGroups}
	b := newAlerter(next, cfg, log)
	b.notified(inst("VI_1", "DELETED"))
	b.notified(inst("VI_2", "FAULT"))
	b.notified(group("G", "STOP")) // a new configuration's group starts afresh
	b.close(log)

	want := []string{"[lb1] VRRP Instance VI_1 - Entering BACKUP state", "[lb1] VRRP Instance VI_1 - Entering MASTER state",
		"[lb1] VRRP Group G - Entering MASTER state", "[lb1] VRRP Group G - Stopping",
		"[lb1] VRRP Instance VI_1 - Deleted", "[lb1] VRRP Group G - Stopping"}
	if diff := cmp.Diff(want, subjects(srv.Mails())); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}

	cfg.Global.Email.Server = ""
	if newAlerter(cfg, nil, log) != nil {
		t.Error("an alerter without smtp_server")
	}
	if newAlerter(&config.Config{Global: cfg.Global}, nil, log) != nil {
		t.Error("an alerter without smtp_alert")
	}
	var none *alerter
	none.notified(inst("VI_1", "MASTER")) // a nil alerter does nothing
	none.close(log)
}

// subject is an alert's Subject header.
func subject(m smtptest.Mail) string {
	_, rest, _ := strings.Cut(m.Data, "Subject: ")
	subj, _, _ := strings.Cut(rest, "\r\n")
	return subj
}

func subjects(mails []smtptest.Mail) []string {
	out := make([]string, 0, len(mails))
	for _, m := range mails {
		out = append(out, subject(m))
	}
	return out
}
