package main

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"os/user"
	"sync"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/script/smtp"
)

// alertGrace bounds how long a stop or a reload waits for queued e-mail
// alerts.
const alertGrace = 2 * time.Second

// alerter e-mails instance and sync group state changes as keepalived
// 2.2.7 does (vrrp_smtp_notifier, vrrp_sync_smtp_notifier): for instances
// and groups with smtp_alert, one alert per new state as the engine
// notifies it, none for FAULT with no_email_faults.
type alerter struct {
	sender   *smtp.Sender
	routerID string
	noFaults bool
	alert    map[string]bool // instances and groups with smtp_alert, by alertKey

	mu   sync.Mutex // guards last
	last map[string]string
}

// alertKey names an instance or a group (they have separate name spaces).
func alertKey(group bool, name string) string {
	if group {
		return "g:" + name
	}
	return "i:" + name
}

// newAlerter returns nil when the configuration sends no alert: no
// address, no server, or no instance or group with smtp_alert. prev, the
// configuration a reload replaces (nil at start), gives the instances the
// reload removes: keepalived 2.2.7 e-mails their last notification
// (FAULT, or DELETED with notify_deleted) as their old smtp_alert says,
// through the new configuration's server.
func newAlerter(cfg, prev *config.Config, log *slog.Logger) *alerter {
	e := cfg.Global.Email
	if !e.Enabled() {
		return nil
	}
	a := &alerter{routerID: cfg.Global.RouterID, noFaults: e.NoFaults, alert: map[string]bool{}, last: map[string]string{}}
	for _, in := range cfg.Instances {
		a.alert[alertKey(false, in.Name)] = in.SMTPAlert
	}
	if prev != nil {
		for _, in := range prev.Instances {
			if _, kept := a.alert[alertKey(false, in.Name)]; !kept {
				a.alert[alertKey(false, in.Name)] = in.SMTPAlert
			}
		}
	}
	for _, g := range cfg.SyncGroups {
		a.alert[alertKey(true, g.Name)] = g.SMTPAlert
	}
	maps.DeleteFunc(a.alert, func(_ string, on bool) bool { return !on })
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

// notified takes a state change as the engine notified it (its
// OnNotify); it never blocks.
func (a *alerter) notified(t script.Transition) {
	if a == nil {
		return
	}
	format := smtp.InstanceMessage
	if t.Group {
		format = smtp.GroupMessage
	}
	a.send(alertKey(t.Group, t.Name), t.Name, t.State, format)
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
