package track

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"syscall"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine/kalog"
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
			t.logDisabled(s, err)
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
		t.log.Info(w, "script", s.Name)
	}
	if err != nil {
		return err
	}
	// A reload's check goes on from the condition it carried: keepalived
	// says "considered successful on reload" and no "succeeded" after.
	cc := script.CheckConfig{
		Name: s.Name, Command: cmd, Interval: s.Interval, Timeout: s.Timeout, Rise: s.Rise, Fall: s.Fall,
		Initial: t.conds[s.Name],
	}
	if st, ok := t.resume[s.Name]; ok {
		// Handed over: the check goes on from its position and schedule.
		cc.Initial, cc.Resume = t.conds[s.Name], &st
	}
	c, err := t.os.Checks.NewCheck(cc)
	if err != nil {
		return err
	}
	if !t.checksLater {
		if err := c.Start(t.events); err != nil {
			return err
		}
	}
	t.checks = append(t.checks, c)
	return nil
}

// StartChecks starts the checks Start left idle (Options.ChecksLater).
func (t *Tracker) StartChecks() {
	if !t.checksLater {
		return
	}
	t.checksLater = false
	for _, c := range t.checks {
		if err := c.Start(t.events); err != nil {
			t.log.Error(fmt.Sprintf("VRRP_Script(%s) not started: %v", c.Name(), err), "script", c.Name())
		}
	}
}

// checkChanged takes a check's new condition (or only its new exit
// status), with keepalived 2.2.7's lines: "Script `chk` now returning 1"
// at each change of the exit status, then "VRRP_Script(chk) succeeded",
// "failed (exited with status 1)", "failed (due to signal 9)" or
// "timed_out" when the condition changes. A failed check's output is
// goalived's own (an attribute, and a -D line).
func (t *Tracker) checkChanged(ev script.CheckEvent) {
	if ev.StatusChanged {
		t.log.Info(fmt.Sprintf("Script `%s` now returning %d", ev.Name, ev.Status), "script", ev.Name, "status", ev.Status)
	}
	if ev.StatusOnly {
		return
	}
	cond := script.Down
	verdict := "failed"
	line := fmt.Sprintf("VRRP_Script(%s) failed (exited with status %d)", ev.Name, ev.Status)
	switch {
	case ev.OK:
		cond, verdict = script.Up, "succeeded"
		line = fmt.Sprintf("VRRP_Script(%s) succeeded", ev.Name)
	case ev.TimedOut:
		verdict = "timed out"
		line = fmt.Sprintf("VRRP_Script(%s) timed_out", ev.Name)
	case ev.Result.Signal != 0:
		line = fmt.Sprintf("VRRP_Script(%s) failed (due to signal %d)", ev.Name, ev.Result.Signal)
	}
	attrs := []any{"script", ev.Name, "result", verdict, "duration", ev.Duration}
	out := string(bytes.TrimSpace(ev.Output))
	if !ev.OK && out != "" {
		attrs = append(attrs, "output", out)
	}
	t.log.Info(line, attrs...)
	if !ev.OK && out != "" {
		t.log.Log(context.Background(), kalog.LevelDetail, fmt.Sprintf("VRRP_Script(%s) output: %s", ev.Name, out))
	}
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

// logDisabled says why a vrrp_script does not run, as keepalived 2.2.7
// says it (check_script_secure, then check_track_script_secure).
func (t *Tracker) logDisabled(s *config.VRRPScript, err error) {
	argv0 := ""
	if s.Script != nil && len(s.Script.Argv) > 0 {
		argv0 = s.Script.Argv[0]
	}
	for _, l := range RefusalLines(argv0, err) {
		t.log.Info(l, "script", s.Name)
	}
	why := "since not found/accessible"
	if errors.Is(err, script.ErrInsecure) {
		why = "due to insecure"
	}
	t.log.Info(fmt.Sprintf("Disabling track script %s %s", s.Name, why), "script", s.Name, "err", err)
}

// RefusalLines are keepalived 2.2.7's lines for a script that may not
// run (lib/notify.c check_script_secure): "Script /x cannot be accessed -
// No such file or directory", "WARNING - script '/x' is not executable
// for uid:gid 0:0 - disabling.", "Unsafe permissions found for script
// '/x' - disabling.". Other errors (an unknown user, ...) are goalived's
// own and given as they are.
func RefusalLines(argv0 string, err error) []string {
	var ne *script.NotExecutableError
	switch {
	case errors.As(err, &ne):
		return []string{fmt.Sprintf("WARNING - script '%s' is not executable for uid:gid %d:%d - disabling.", ne.Path, ne.UID, ne.GID)}
	case errors.Is(err, script.ErrInsecure):
		return []string{fmt.Sprintf("Unsafe permissions found for script '%s' - disabling.", argv0)}
	case errors.Is(err, script.ErrNotFound):
		return []string{fmt.Sprintf("Script %s cannot be accessed - %s", argv0, Strerror(err))}
	}
	return []string{err.Error()}
}

// Strerror is the C library's text for the system error in err ("No
// such file or directory"), or err's own text.
func Strerror(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err.Error()
	}
	s := errno.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
