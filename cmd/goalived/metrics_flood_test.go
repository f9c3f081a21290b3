package main

import (
	"strings"
	"testing"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/vrrp"
)

// TestMetricsFloodSeries: what a flood leaves uncounted elsewhere is in
// /metrics: the lower-priority adverts a master did not answer, the
// per-packet reports not made, and the log lines summarised.
func TestMetricsFloodSeries(t *testing.T) {
	m := newMetricsCollector(func() ([]engine.InstanceMetrics, []engine.ScriptMetrics) {
		return []engine.InstanceMetrics{{Name: "VI_1", Interface: "eth0", VRID: 51, State: vrrp.StateMaster,
			Stats:              vrrp.Stats{LowerPrioSuppressed: 99990, ReportsSuppressed: 120000},
			LogLinesSuppressed: 4711}}, nil
	}, func() []netif.AnnounceStats { return nil })
	var b strings.Builder
	if err := m.collect().write(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`goalived_lower_priority_answers_suppressed_total{iname="VI_1",vrid="51"} 99990`,
		`goalived_reports_suppressed_total{iname="VI_1",vrid="51"} 120000`,
		`goalived_log_lines_suppressed_total{iname="VI_1",vrid="51"} 4711`,
	} {
		if !strings.Contains(b.String(), want+"\n") {
			t.Errorf("/metrics has no %q:\n%s", want, b.String())
		}
	}
}
