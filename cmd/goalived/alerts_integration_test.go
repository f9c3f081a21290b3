package main

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/goalived/goalived/netif/nstest"
	"github.com/goalived/goalived/script/smtp/smtptest"
)

// alertConf sends the alerts of VI_1 and VI_3 (smtp_alert) and of the
// sync group G (VI_1 and VI_2) to server; VI_2 has none. withVI3 false
// leaves VI_3 out: the configuration a reload removes it with.
func alertConf(server string, withVI3 bool) string {
	host, port, _ := net.SplitHostPort(server)
	conf := fmt.Sprintf(`global_defs {
    router_id lb1
    notification_email {
        ops@example.com
        noc@example.com
    }
    notification_email_from keepalived@lb1.example.com
    smtp_server %s %s
    smtp_helo_name lb1.example.com
    smtp_connect_timeout 5
}

vrrp_sync_group G {
    group {
        VI_1
        VI_2
    }
    smtp_alert
}
`, host, port)
	for _, in := range []struct {
		name  string
		vrid  int
		alert string
	}{{"VI_1", 71, "smtp_alert"}, {"VI_2", 72, ""}, {"VI_3", 73, "smtp_alert"}} {
		if in.name == "VI_3" && !withVI3 {
			continue
		}
		conf += fmt.Sprintf(`
vrrp_instance %s {
    state BACKUP
    interface eth0
    virtual_router_id %d
    priority 100
    advert_int 1
    %s
    virtual_ipaddress {
        192.0.2.%d/24
    }
}
`, in.name, in.vrid, in.alert, in.vrid)
	}
	return conf
}

// dateRE is the Date header, the only line that differs between runs.
var dateRE = regexp.MustCompile(`(?m)^Date: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\r$`)

// TestIntegrationSMTPAlerts runs keepalived 2.2.7 and then goalived with
// the same smtp_alert configuration against one SMTP server in the
// namespace and requires the same messages (envelope, headers but the
// Date's value, body): the instances' and the sync group's for the start
// in BACKUP and the move to MASTER, then, after a reload that removes
// VI_3, VI_3's FAULT alert. keepalived 2.2.7 starts the stop alerts'
// connections and exits before they are through (the server sees
// resets), so its "Stopping" alerts do not arrive, or only some;
// goalived waits for them (alertGrace), a deliberate difference: its
// stop alerts must be those of VI_1 and G, and keepalived's a part of
// them.
func TestIntegrationSMTPAlerts(t *testing.T) {
	t.Parallel()
	nstest.RequireRoot(t)
	keepalivedBinary(t)
	lab := nstest.New(t, nstest.Hosts(1))
	var ln net.Listener
	lab.Do(0, func() {
		var err error
		ln, err = net.Listen("tcp", net.JoinHostPort(lab.Host(0).Addr4.String(), "2525"))
		if err != nil {
			t.Fatal(err)
		}
	})
	srv := smtptest.Start(ln)
	t.Cleanup(func() { srv.Close() })

	started := []string{"[lb1] VRRP Instance VI_1 - Entering MASTER state", "[lb1] VRRP Instance VI_3 - Entering MASTER state",
		"[lb1] VRRP Group G - Entering MASTER state"}
	removed := "[lb1] VRRP Instance VI_3 - Entering FAULT state"
	got := map[string][]smtptest.Mail{}
	for _, kind := range []string{keepalivedKind, goalivedKind} {
		before := len(srv.Mails())
		sent := func() []string { return subjects(srv.Mails()[before:]) }
		d := nstest.StartDaemon(t, lab, 0, nstest.Kind(kind), alertConf(srv.Addr(), true))
		waitFor(t, 30*time.Second, func() bool { return containsAll(sent(), started...) },
			func() string {
				return fmt.Sprintf("%s to send the MASTER alerts; got %q:\n%s", kind, sent(), d.Proc.Output())
			})
		d.Reload(t, alertConf(srv.Addr(), false))
		waitFor(t, 30*time.Second, func() bool { return containsAll(sent(), removed) },
			func() string {
				return fmt.Sprintf("%s to send VI_3's alert after the reload; got %q:\n%s", kind, sent(), d.Proc.Output())
			})
		d.Proc.Stop()
		// A stop alert, if the daemon sends one, is queued before it exits.
		got[kind] = srv.Mails()[before:]
		for i := range got[kind] {
			m := &got[kind][i]
			if !dateRE.MatchString(m.Data) {
				t.Errorf("%s: no RFC 822 Date header in:\n%q", kind, m.Data)
			}
			m.Data = dateRE.ReplaceAllString(m.Data, "Date: (time)\r")
		}
		t.Logf("%s's alerts: %q", kind, subjects(got[kind]))
	}
	ka, kaStops := stopAlerts(got[keepalivedKind])
	ga, gaStops := stopAlerts(got[goalivedKind])
	// keepalived connects once per alert, so they arrive in any order.
	if diff := cmp.Diff(ka, ga, cmpopts.SortSlices(func(a, b smtptest.Mail) bool { return a.Data < b.Data })); diff != "" {
		t.Errorf("alerts (-keepalived +goalived):\n%s", diff)
	}
	wantStops := []string{"[lb1] VRRP Group G - Stopping", "[lb1] VRRP Instance VI_1 - Stopping"}
	if diff := cmp.Diff(wantStops, sorted(subjects(gaStops))); diff != "" {
		t.Errorf("goalived's stop alerts (-want +got):\n%s", diff)
	}
	if !containsAll(subjects(gaStops), subjects(kaStops)...) {
		t.Errorf("keepalived sent stop alerts %q that goalived did not", subjects(kaStops))
	}
}

// stopAlerts splits mails into the others and the "Stopping" ones.
func stopAlerts(mails []smtptest.Mail) (others, stops []smtptest.Mail) {
	for _, m := range mails {
		if strings.HasSuffix(subject(m), " - Stopping") {
			stops = append(stops, m)
		} else {
			others = append(others, m)
		}
	}
	return others, stops
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}
