package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/netif"
)

// TestMetricsAnnouncements: the announcer's counters become
// goalived_announce_packets_total, one sample per interface, family and
// result.
func TestMetricsAnnouncements(t *testing.T) {
	c := newMetricsCollector(func() ([]engine.InstanceMetrics, []engine.ScriptMetrics) { return nil, nil },
		func() []netif.AnnounceStats {
			return []netif.AnnounceStats{
				{Ifname: "eth0", Sent: 10, Retried: 2, Failed: 1},
				{Ifname: "eth0", V6: true, Sent: 5},
				{Ifname: "lo", Skipped: 3},
			}
		})
	var b strings.Builder
	if err := c.collect().write(&b); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, "goalived_announce_packets_total") {
			got = append(got, line)
		}
	}
	want := []string{
		`goalived_announce_packets_total{family="ipv4",interface="eth0",result="failed"} 1`,
		`goalived_announce_packets_total{family="ipv4",interface="eth0",result="retried"} 2`,
		`goalived_announce_packets_total{family="ipv4",interface="eth0",result="sent"} 10`,
		`goalived_announce_packets_total{family="ipv4",interface="eth0",result="skipped"} 0`,
		`goalived_announce_packets_total{family="ipv4",interface="lo",result="failed"} 0`,
		`goalived_announce_packets_total{family="ipv4",interface="lo",result="retried"} 0`,
		`goalived_announce_packets_total{family="ipv4",interface="lo",result="sent"} 0`,
		`goalived_announce_packets_total{family="ipv4",interface="lo",result="skipped"} 3`,
		`goalived_announce_packets_total{family="ipv6",interface="eth0",result="failed"} 0`,
		`goalived_announce_packets_total{family="ipv6",interface="eth0",result="retried"} 0`,
		`goalived_announce_packets_total{family="ipv6",interface="eth0",result="sent"} 5`,
		`goalived_announce_packets_total{family="ipv6",interface="eth0",result="skipped"} 0`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("samples (-want +got):\n%s", d)
	}
}
