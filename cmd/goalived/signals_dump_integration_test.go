package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

const dumpConf = `global_defs {
  router_id dump_test
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 62
  priority 255
  advert_int 0.1
  version 3
  virtual_ipaddress {
    192.0.2.162
  }
}
`

// TestIntegrationDumpSignals runs the daemon with TMPDIR pointing at a
// private directory and sends it keepalived's dump signals: USR1 (two
// files: keepalived.data and keepalived_parent.data), USR2, 36 (JSON) and
// 63 (STATS_CLEAR) each leave their files, mode 0600, with keepalived's
// first line and the running instance's values.
func TestIntegrationDumpSignals(t *testing.T) {
	t.Parallel()
	lab := nstest.New(t, nstest.Hosts(1))
	bin := goalivedBinary(t)
	dir := t.TempDir()
	dump := filepath.Join(dir, "dump")
	if err := os.Mkdir(dump, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "keepalived.conf")
	if err := os.WriteFile(conf, []byte(dumpConf), 0o644); err != nil {
		t.Fatal(err)
	}
	status := filepath.Join(dir, "status")
	p := lab.Start(0, "env", "TMPDIR="+dump, bin, "-n", "-l", "-f", conf, "-p", filepath.Join(dir, "k.pid"),
		"-r", filepath.Join(dir, "v.pid"), "--status-file", status)
	t.Cleanup(p.Stop)
	waitFor(t, 10*time.Second, func() bool {
		b, _ := os.ReadFile(status)
		return strings.Contains(string(b), "MASTER")
	}, func() string { return "VI_1 to become MASTER\n" + p.Output() })

	data := signalDump(t, p, syscall.SIGUSR1, filepath.Join(dump, "keepalived.data"))
	for _, want := range []string{
		"------< Global definitions >------\n", " Router ID = dump_test\n", " VRRP Instance = VI_1\n",
		"   State = MASTER\n", "   Virtual Router ID = 62\n", "     192.0.2.162 dev eth0 scope global set\n",
		"------< Interfaces >------\n", " Name = eth0\n",
	} {
		if !strings.Contains(data, want) {
			t.Errorf("keepalived.data lacks %q:\n%s", want, data)
		}
	}
	if !strings.HasPrefix(data, "------< Global definitions >------\n") {
		t.Errorf("keepalived.data starts with %q", firstLine(data))
	}
	// The same USR1 writes the parent's file: the global definitions only.
	parent := waitDumpFile(t, p, filepath.Join(dump, "keepalived_parent.data"), "after USR1")
	if !strings.HasPrefix(parent, "------< Global definitions >------\n Network namespace = (default)\n") ||
		!strings.Contains(parent, " Router ID = dump_test\n") || strings.Contains(parent, "VRRP Instance") {
		t.Errorf("keepalived_parent.data is not the global definitions of dump_test:\n%s", parent)
	}

	// A few adverts (every 0.1 s) go out.
	stats := dumpUntil(t, p, syscall.SIGUSR2, filepath.Join(dump, "keepalived.stats"), 10*time.Second,
		func(stats string) bool { return sentRE.MatchString(stats) && advertsSent(t, stats) >= 3 })
	if !strings.HasPrefix(stats, "VRRP Instance: VI_1\n  Advertisements:\n") {
		t.Errorf("keepalived.stats starts with %q", firstLine(stats))
	}
	before := advertsSent(t, stats)

	js := signalDump(t, p, syscall.Signal(36), filepath.Join(dump, "keepalived.json"))
	var v []struct {
		Data  map[string]any `json:"data"`
		Stats map[string]any `json:"stats"`
	}
	if err := json.Unmarshal([]byte(js), &v); err != nil || len(v) != 1 {
		t.Fatalf("keepalived.json: %v (%d instances):\n%s", err, len(v), js)
	}
	if !strings.HasPrefix(js, `[{"data":{"iname":"VI_1",`) || v[0].Data["state"] != 2.0 || v[0].Data["vrid"] != 62.0 {
		t.Errorf("keepalived.json does not show VI_1 as MASTER (2) with vrid 62:\n%s", js)
	}

	// STATS_CLEAR writes the counters, then zeroes them: the next dump
	// counts only the adverts since.
	cleared := signalDump(t, p, syscall.Signal(63), filepath.Join(dump, "keepalived.stats"))
	atClear := advertsSent(t, cleared)
	if atClear < before {
		t.Errorf("STATS_CLEAR dump shows %d adverts sent, fewer than the %d before", atClear, before)
	}
	after := advertsSent(t, signalDump(t, p, syscall.SIGUSR2, filepath.Join(dump, "keepalived.stats")))
	if after >= atClear {
		t.Errorf("after STATS_CLEAR %d adverts sent, not fewer than the %d at the clear", after, atClear)
	}

	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(5 * time.Second); err != nil {
		t.Errorf("exit after TERM: %v\n%s", err, p.Output())
	}
}

// signalDump removes path, sends sig and waits for path to reappear; it
// checks keepalived's mode 0600 and returns the content.
func signalDump(t *testing.T, p *nstest.Proc, sig syscall.Signal, path string) string {
	t.Helper()
	removeDump(t, path)
	if err := p.Signal(sig); err != nil {
		t.Fatal(err)
	}
	return waitDumpFile(t, p, path, "after signal "+strconv.Itoa(int(sig)))
}

// dumpUntil sends sig, to a daemon that is ready (nstest.WaitReady),
// until the dump file at path shows done(content), for dumps taken once
// the daemon has reached a state, and returns it.
func dumpUntil(t *testing.T, p *nstest.Proc, sig syscall.Signal, path string, within time.Duration, done func(string) bool) string {
	t.Helper()
	var last string
	waitFor(t, within, func() bool {
		removeDump(t, path)
		if err := p.Signal(sig); err != nil {
			t.Fatal(err)
		}
		var ok bool
		last, ok = readDump(path, 5*time.Second)
		if ok && done(last) {
			return true
		}
		time.Sleep(200 * time.Millisecond) // the poll interval, beside waitFor's
		return false
	}, func() string {
		return filepath.Base(path) + " to show the state wanted; last:\n" + last + "\n" + p.Output()
	})
	checkDumpMode(t, path)
	return last
}

func removeDump(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}

// readDump waits up to within for the dump file to have content that
// stays the same for 100 ms (keepalived creates the file, then writes
// it) and returns it; false if it did not.
func readDump(path string, within time.Duration) (string, bool) {
	last := int64(-1)
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		fi, err := os.Stat(path)
		if err != nil || fi.Size() == 0 || fi.Size() != last {
			if err == nil {
				last = fi.Size()
			}
			continue
		}
		b, err := os.ReadFile(path)
		return string(b), err == nil
	}
	return "", false
}

// waitDumpFile waits for a dump file to appear, checks keepalived's mode
// 0600 and returns the content; what names the wait in a failure. The
// deadline is generous: keepalived takes seconds on a loaded machine.
func waitDumpFile(t *testing.T, p *nstest.Proc, path, what string) string {
	t.Helper()
	data, ok := readDump(path, 30*time.Second)
	if !ok {
		t.Fatalf("timed out after 30s waiting for %s %s\n%s", filepath.Base(path), what, p.Output())
	}
	checkDumpMode(t, path)
	return data
}

func checkDumpMode(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
	}
}

// sentRE finds the first instance's Sent counter in keepalived.stats.
var sentRE = regexp.MustCompile(`(?m)^  Advertisements:\n    Received: \d+\n    Sent: (\d+)$`)

func advertsSent(t *testing.T, stats string) int {
	t.Helper()
	m := sentRE.FindStringSubmatch(stats)
	if m == nil {
		t.Fatalf("no Sent counter in keepalived.stats:\n%s", stats)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
