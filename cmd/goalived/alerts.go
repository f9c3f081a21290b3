package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"sync"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script/smtp"
	"github.com/goalived/goalived/vrrp"
)

// alertGrace bounds how long a stop or a reload waits for queued e-mail
// alerts.
const alertGrace = 2 * time.Second

// alerter e-mails instance (and sync group) state changes as keepalived
// 2.2.7 does: for instances and groups with smtp_alert, one alert per new
// state, none for FAULT with no_email_faults.
type alerter struct {
	sender   *smtp.Sender
	routerID string
	noFaults bool
	alert    map[string]bool // instances and groups with smtp_alert, by name

	mu   sync.Mutex // guards last
	last map[string]string
}

// newAlerter returns nil when the configuration sends no alert: no
// address, no server, or no instance or group with smtp_alert.
func newAlerter(cfg *config.Config, log *slog.Logger) *alerter {
	e := cfg.Global.Email
	if !e.Enabled() {
		return nil
	}
	a := &alerter{routerID: cfg.Global.RouterID, noFaults: e.NoFaults, alert: map[string]bool{}, last: map[string]string{}}
	for _, in := range cfg.Instances {
		if in.SMTPAlert {
			a.alert["i:"+in.Name] = true
		}
	}
	for _, g := range cfg.SyncGroups {
		if g.SMTPAlert {
			a.alert["g:"+g.Name] = true
		}
	}
	if len(a.alert) == 0 {
		return nil
	}
	host, _ := os.Hostname()
	sc := smtp.Config{Server: e.Server, HeloName: e.HeloName, From: e.From, To: e.To, Timeout: e.ConnectTimeout}
	if sc.HeloName == "" {
		sc.HeloName = host
	}
	if sc.From == "" {
		sc.From = currentUser() + "@" + host
	}
	a.sender = smtp.NewSender(sc, func(err error) { log.Warn(fmt.Sprintf("e-mail alert not sent: %v", err), "err", err) })
	return a
}

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "root"
}

// report takes an instance's report; it never blocks.
func (a *alerter) report(r vrrp.Report) {
	if a == nil || r.Kind != vrrp.ReportTransition {
		return
	}
	a.send("i:"+r.Instance, r.Instance, r.To.String(), smtp.InstanceMessage)
}

// groupState is for the sync group's state changes; the engine does not
// report them (see the README of this feature in the report).
func (a *alerter) groupState(group, state string) {
	if a == nil {
		return
	}
	a.send("g:"+group, group, state, smtp.GroupMessage)
}

func (a *alerter) send(key, name, state string, format func(routerID, name, state string) (smtp.Message, bool)) {
	if !a.alert[key] || a.noFaults && state == smtp.StateFault {
		return
	}
	m, ok := format(a.routerID, name, state)
	if !ok {
		return
	}
	a.mu.Lock()
	same := a.last[key] == state
	a.last[key] = state
	a.mu.Unlock()
	if !same {
		a.sender.Send(m)
	}
}

// close waits up to alertGrace for queued alerts.
func (a *alerter) close(log *slog.Logger) {
	if a == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), alertGrace)
	defer cancel()
	if err := a.sender.Close(ctx); err != nil {
		log.Warn(fmt.Sprintf("e-mail alerts abandoned: %v", err), "err", err)
	}
}
