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
	"github.com/goalived/goalived/script/smtp/smtptest"
	"github.com/goalived/goalived/vrrp"
)

// TestAlerterRules checks which transitions are e-mailed: only instances
// and groups with smtp_alert, once per new state, no FAULT with
// no_email_faults, nothing without a server.
func TestAlerterRules(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback TCP here: %v", err)
	}
	srv := smtptest.Start(ln)
	t.Cleanup(func() { srv.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := &config.Config{
		Global: config.GlobalDefs{RouterID: "lb1", Email: config.Email{To: []string{"ops@example.com"}, From: "ka@lb1",
			Server: srv.Addr(), HeloName: "lb1", ConnectTimeout: 5 * time.Second, NoFaults: true}},
		Instances:  []*config.Instance{{Name: "VI_1", SMTPAlert: true}, {Name: "VI_2"}},
		SyncGroups: []*config.SyncGroup{{Name: "G", SMTPAlert: true}},
	}
	a := newAlerter(cfg, log)
	tr := func(name string, to vrrp.State) vrrp.Report {
		return vrrp.Report{Kind: vrrp.ReportTransition, Instance: name, To: to}
	}
	a.report(tr("VI_1", vrrp.StateBackup))
	a.report(tr("VI_1", vrrp.StateBackup)) // same state: no second alert
	a.report(tr("VI_2", vrrp.StateMaster)) // no smtp_alert
	a.report(tr("VI_1", vrrp.StateFault))  // no_email_faults
	a.report(vrrp.Report{Kind: vrrp.ReportTimerLate, Instance: "VI_1"})
	a.report(tr("VI_1", vrrp.StateMaster))
	a.groupState("G", "MASTER")
	a.close(log)
	var subjects []string
	for _, m := range srv.Mails() {
		_, rest, _ := strings.Cut(m.Data, "Subject: ")
		subj, _, _ := strings.Cut(rest, "\r\n")
		subjects = append(subjects, subj)
	}
	want := []string{"[lb1] VRRP Instance VI_1 - Entering BACKUP state", "[lb1] VRRP Instance VI_1 - Entering MASTER state",
		"[lb1] VRRP Group G - Entering MASTER state"}
	if diff := cmp.Diff(want, subjects); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}

	cfg.Global.Email.Server = ""
	if newAlerter(cfg, log) != nil {
		t.Error("an alerter without smtp_server")
	}
	var none *alerter
	none.report(tr("VI_1", vrrp.StateMaster)) // a nil alerter does nothing
	none.close(log)
}
