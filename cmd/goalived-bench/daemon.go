package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/goalived/goalived/netif/nslab"
)

// daemon is one implementation under test.
type daemon struct {
	Name string // goalived, keepalived or goalived-fast-preempt
	Bin  string
	Args []string // options of goalived's own beyond keepalived's
}

// fastPreempt is goalived with --fast-preempt: a backup that hears a
// master of lower priority takes over after its skew time instead of
// when its down timer runs out. Only the check scenario has such a
// master, so it runs only there.
const fastPreempt = "goalived-fast-preempt"

// runs reports whether d takes part in scenario s.
func (d daemon) runs(s scenario) bool { return d.Name != fastPreempt || s == check }

// String is the name and the command for the report.
func (d daemon) String() string {
	return d.Name + " (" + strings.Join(append([]string{d.Bin}, d.Args...), " ") + ")"
}

// argv is the daemon's command line: foreground, console log, detailed,
// private pid files (keepalived: VRRP only, TMPDIR for its dump files).
func (d daemon) argv(dir, conf string) []string {
	pid, vpid := filepath.Join(dir, "daemon.pid"), filepath.Join(dir, "vrrp.pid")
	if d.Name == "keepalived" {
		return []string{"env", "TMPDIR=" + dir, d.Bin, "-n", "-l", "-D", "-P", "-f", conf, "-p", pid, "-r", vpid}
	}
	return append([]string{d.Bin, "-n", "-l", "-D", "-f", conf, "-p", pid, "-r", vpid,
		"--status-file", filepath.Join(dir, "status")}, d.Args...)
}

// daemonsFor returns the daemons that take part in scenario s, in the
// order given.
func (c config) daemonsFor(s scenario) []daemon {
	return slices.DeleteFunc(slices.Clone(c.daemons), func(d daemon) bool { return !d.runs(s) })
}

func findDaemons(names []string, gl, ka string) ([]daemon, error) {
	var out []daemon
	for _, n := range names {
		var path string
		var args []string
		var err error
		switch n {
		case "goalived":
			path, err = findBin(gl, "goalived")
		case fastPreempt:
			path, err = findBin(gl, "goalived")
			args = []string{"--fast-preempt"}
		case "keepalived":
			path, err = findBin(ka, "keepalived", "/usr/sbin/keepalived")
		default:
			return nil, fmt.Errorf("--daemons: unknown daemon %q (want goalived, keepalived, %s)", n, fastPreempt)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, daemon{Name: n, Bin: path, Args: args})
	}
	if len(out) == 0 {
		return nil, errors.New("--daemons: none given")
	}
	return out, nil
}

func findBin(given, name string, fallbacks ...string) (string, error) {
	if given != "" {
		return given, nil
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, f := range fallbacks {
		if _, err := os.Stat(f); err == nil {
			return f, nil
		}
	}
	return "", fmt.Errorf("find %s: not in $PATH (pass --%s PATH)", name, name)
}

// startDaemon writes the config text to dir/keepalived.conf and starts d
// with it on host role, its output going to dir/daemon.log and, when not
// nil, to also.
func (bn *bench) startDaemon(d daemon, dir, role, text string, also io.Writer) (*nslab.Proc, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	conf := filepath.Join(dir, "keepalived.conf")
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		return nil, fmt.Errorf("write %s: %w", conf, err)
	}
	log, err := os.Create(filepath.Join(dir, "daemon.log"))
	if err != nil {
		return nil, fmt.Errorf("create daemon log: %w", err)
	}
	var out io.Writer = log
	if also != nil {
		out = io.MultiWriter(also, log)
	}
	argv := d.argv(dir, conf)
	p, err := bn.lab.Start(role, out, argv[0], argv[1:]...)
	if err != nil {
		log.Close()
		return nil, err
	}
	go func() { <-p.Done(); log.Close() }()
	return p, nil
}

// stopAll ends the daemons at once (keepalived takes about a second to
// leave); nil ones were never started.
func stopAll(ps ...*nslab.Proc) {
	var wg sync.WaitGroup
	for _, p := range ps {
		if p != nil {
			wg.Add(1)
			go func() { defer wg.Done(); p.Stop() }()
		}
	}
	wg.Wait()
}
