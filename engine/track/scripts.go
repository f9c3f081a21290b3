package track

import (
	"bytes"
	"errors"
	"maps"
	"reflect"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
)

// Disabled marks a vrrp_script that cannot run: its track_script entries
// are ignored, as keepalived removes them.
const Disabled = script.Condition(-1)

// startChecks starts the check of every used vrrp_script; one that
// cannot start is disabled.
func (t *Tracker) startChecks() {
	for _, s := range t.cfg.Scripts {
		if !s.Used {
			continue
		}
		if err := t.startCheck(s); err != nil {
			t.log.Error("vrrp_script disabled", "script", s.Name, "err", err)
			t.conds[s.Name] = Disabled
		}
	}
}

func (t *Tracker) startCheck(s *config.VRRPScript) error {
	if s.Script == nil {
		return errors.New("no script set")
	}
	cmd, warns, err := t.host.Command(s.Script)
	for _, w := range warns {
		t.log.Warn(w, "script", s.Name)
	}
	if err != nil {
		return err
	}
	cc := script.CheckConfig{
		Name: s.Name, Command: cmd, Interval: s.Interval, Timeout: s.Timeout, Rise: s.Rise, Fall: s.Fall,
	}
	if st, ok := t.resume[s.Name]; ok {
		// Handed over: the check goes on from its position and schedule.
		cc.Initial, cc.Resume = t.conds[s.Name], &st
	}
	c, err := t.os.Checks.NewCheck(cc)
	if err != nil {
		return err
	}
	if err := c.Start(t.events); err != nil {
		return err
	}
	t.checks = append(t.checks, c)
	return nil
}

func (t *Tracker) checkChanged(ev script.CheckEvent) {
	cond := script.Down
	verdict := "failed"
	if ev.OK {
		cond, verdict = script.Up, "succeeded"
	}
	if ev.TimedOut {
		verdict = "timed out"
	}
	attrs := []any{"script", ev.Name, "result", verdict, "duration", ev.Duration}
	if !ev.OK && len(ev.Output) > 0 {
		attrs = append(attrs, "output", string(bytes.TrimSpace(ev.Output)))
	}
	t.log.Info("VRRP_Script "+verdict, attrs...)
	t.mu.Lock()
	t.conds[ev.Name] = cond
	t.mu.Unlock()
	t.applyWhere(func(tr memberTracks) bool { return hasTrack(tr.scripts, ev.Name) })
}

// Carry returns the conditions of the scripts that stay the same in cfg:
// keepalived keeps a script's state across a reload when its command is
// unchanged.
func (t *Tracker) Carry(cfg *config.Config) map[string]script.Condition {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]script.Condition{}
	for _, ns := range cfg.Scripts {
		os := t.cfg.Script(ns.Name)
		c, ok := t.conds[ns.Name]
		if !ok || c == Disabled || os == nil || !reflect.DeepEqual(os.Script, ns.Script) {
			continue
		}
		out[ns.Name] = c
	}
	return out
}

// Conditions are the vrrp_scripts' conditions now (Disabled included).
func (t *Tracker) Conditions() map[string]script.Condition {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.conds)
}

// CheckStats are the run counts of the running checks, by script name.
func (t *Tracker) CheckStats() map[string]script.RunStats {
	out := map[string]script.RunStats{}
	for _, c := range t.checks {
		out[c.Name()] = c.Stats()
	}
	return out
}
