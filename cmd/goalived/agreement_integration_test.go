package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/goalived/goalived/netif/nstest"
)

// verdict is the class of a "-t" result that goalived must share with
// keepalived: clean (0), warnings (5), errors (4: cannot run; 6: script
// security or a strict include failure).
func verdict(rc int) string {
	switch rc {
	case 0:
		return "clean"
	case 5:
		return "warnings"
	case 4, 6:
		return "errors"
	}
	return "unexpected"
}

// differsOnPurpose lists the files whose verdict differs from keepalived's
// because goalived tells the operator more, with the reason: every
// warning goalived adds there and keepalived does not print. A file whose
// verdicts agree must not be listed (the test fails), so the list stays
// exact. The parser's surplus-word and "not supported by goalived yet"
// warnings changed no verdict here: no file has surplus words, and the
// files with a not-yet keyword (track_src_ip, auth_type AH, unicast_ttl,
// startup/shutdown scripts, ...) already warn under keepalived.
var differsOnPurpose = map[string]string{
	"keepalived.conf.HTTP_GET.port":        "LVS virtual_server (HTTP_GET) is reported as not supported by goalived",
	"keepalived.conf.IPv6":                 "LVS virtual_server and virtual_server_group are reported as not supported by goalived",
	"keepalived.conf.PING_CHECK":           "LVS virtual_server (PING_CHECK) is reported as not supported by goalived",
	"keepalived.conf.SMTP_CHECK":           "LVS virtual_server (SMTP_CHECK) is reported as not supported by goalived",
	"keepalived.conf.UDP_CHECK":            "LVS virtual_server (UDP_CHECK) is reported as not supported by goalived",
	"keepalived.conf.inhibit":              "LVS virtual_server is reported as not supported by goalived",
	"keepalived.conf.misc_check":           "LVS virtual_server (MISC_CHECK) is reported as not supported by goalived",
	"keepalived.conf.misc_check_arg":       "LVS virtual_server (MISC_CHECK) is reported as not supported by goalived",
	"keepalived.conf.quorum":               "LVS virtual_server is reported as not supported by goalived",
	"keepalived.conf.sample":               "LVS virtual_server is reported as not supported by goalived",
	"keepalived.conf.status_code":          "LVS virtual_server (HTTP_GET) is reported as not supported by goalived",
	"keepalived.conf.virtual_server_group": "LVS virtual_server and virtual_server_group are reported as not supported by goalived",
	"keepalived.conf.virtualhost":          "LVS virtual_server (HTTP_GET) is reported as not supported by goalived",
	"sync-group.conf":                      "keepalived 2.2.7 -t kills itself with SIGTERM (rc 143) on sync-group notify scripts with script_user nobody, so it gives no verdict; goalived warns (notify scripts missing on this host, a tracked interface's weight ignored in a sync group)",
}

// TestIntegrationConfigTestAgreesWithKeepalived runs "keepalived -t" and
// "goalived -t" on every project config and every public sample, inside a
// namespace that has the interfaces they name, and compares the verdicts.
func TestIntegrationConfigTestAgreesWithKeepalived(t *testing.T) {
	t.Parallel()
	nstest.RequireRoot(t)
	keepalived, err := exec.LookPath("keepalived")
	if err != nil {
		t.Fatalf("keepalived 2.2.7 is needed for this test (apt-get install keepalived): %v", err)
	}
	bin := goalivedBinary(t)
	lab := nstest.New(t, nstest.Hosts(1))
	for _, ifname := range []string{"eth1", "eth2", "eth3"} {
		lab.Exec(0, "ip", "link", "add", ifname, "type", "veth", "peer", "name", "p"+ifname)
		lab.Exec(0, "ip", "link", "set", ifname, "up")
	}
	files := configFiles(t)
	if len(files) == 0 {
		t.Fatal("no configuration files found")
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			krc, kout := runRC(t, lab, keepalived, "-t", "-f", f)
			grc, gout := runRC(t, lab, bin, "-t", "-f", f)
			kv, gv := verdict(krc), verdict(grc)
			reason, listed := differsOnPurpose[name]
			switch {
			case kv == gv && listed:
				t.Errorf("verdicts now agree (%s), remove %s from differsOnPurpose", kv, name)
			case kv != gv && !listed:
				t.Errorf("keepalived -t: %s (rc %d), goalived -t: %s (rc %d)\nkeepalived said:\n%s\ngoalived said:\n%s", kv, krc, gv, grc, kout, gout)
			case kv != gv:
				t.Logf("differs on purpose (keepalived %s, goalived %s): %s", kv, gv, reason)
			}
		})
	}
}

func configFiles(t *testing.T) []string {
	t.Helper()
	own, err := filepath.Glob("../../testdata/configs/*.conf")
	if err != nil {
		t.Fatal(err)
	}
	samples, _ := filepath.Glob("../../../shared/samples/keepalived.conf*")
	if len(samples) == 0 {
		t.Log("../shared/samples is absent: only the project's own configs are compared")
	}
	all := append(own, samples...)
	for i, f := range all {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		all[i] = abs
	}
	sort.Strings(all)
	return all
}

func runRC(t *testing.T, lab *nstest.Lab, argv ...string) (int, string) {
	t.Helper()
	out, err := lab.Run(0, argv[0], argv[1:]...)
	if err == nil {
		return 0, out
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("run %s: %v", strings.Join(argv, " "), err)
	}
	return ee.ExitCode(), out
}
