package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/vrrp"
)

// metricsCollector exports keepalived-exporter's metric names, labels and
// value conventions (so its dashboards work unchanged) plus goalived's own.
// It reads a fresh engine snapshot on every scrape.
type metricsCollector struct {
	source func() ([]engine.InstanceMetrics, []engine.ScriptMetrics)
	// announce counts the gratuitous ARPs and NAs; nil exports none.
	announce func() []netif.AnnounceStats
}

var exporterCounters = []struct {
	name, help string
	value      func(s vrrp.Stats) uint64
}{
	{"keepalived_advertisements_received_total", "Advertisements received", func(s vrrp.Stats) uint64 { return s.AdvertReceived }},
	{"keepalived_advertisements_sent_total", "Advertisements sent", func(s vrrp.Stats) uint64 { return s.AdvertSent }},
	{"keepalived_become_master_total", "Became master", func(s vrrp.Stats) uint64 { return s.BecameMaster }},
	{"keepalived_release_master_total", "Released master", func(s vrrp.Stats) uint64 { return s.ReleasedMaster }},
	{"keepalived_packet_length_errors_total", "Packet length errors", func(s vrrp.Stats) uint64 { return s.PacketLenErr }},
	{"keepalived_advertisements_interval_errors_total", "Advertisement interval errors", func(s vrrp.Stats) uint64 { return s.AdvertIntervalErr }},
	{"keepalived_ip_ttl_errors_total", "TTL errors", func(s vrrp.Stats) uint64 { return s.TTLErr }},
	{"keepalived_invalid_type_received_total", "Invalid type errors", func(s vrrp.Stats) uint64 { return s.InvalidType }},
	{"keepalived_address_list_errors_total", "Address list errors", func(s vrrp.Stats) uint64 { return s.AddrListErr }},
	{"keepalived_authentication_invalid_total", "Authentication invalid", func(s vrrp.Stats) uint64 { return s.InvalidAuthType }},
	{"keepalived_authentication_mismatch_total", "Authentication mismatch", func(s vrrp.Stats) uint64 { return s.AuthTypeMismatch }},
	{"keepalived_authentication_failure_total", "Authentication failure", func(s vrrp.Stats) uint64 { return s.AuthFailure }},
	{"keepalived_priority_zero_received_total", "Priority zero received", func(s vrrp.Stats) uint64 { return s.PriZeroReceived }},
	{"keepalived_priority_zero_sent_total", "Priority zero sent", func(s vrrp.Stats) uint64 { return s.PriZeroSent }},
}

func newMetricsCollector(source func() ([]engine.InstanceMetrics, []engine.ScriptMetrics), announce func() []netif.AnnounceStats) *metricsCollector {
	return &metricsCollector{source: source, announce: announce}
}

// exporterState is the numeric state keepalived's JSON dump and the
// exporter's keepalived_vrrp_state use: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT.
func exporterState(s vrrp.State) float64 {
	switch s {
	case vrrp.StateBackup:
		return 1
	case vrrp.StateMaster:
		return 2
	case vrrp.StateFault:
		return 3
	}
	return 0
}

// collect takes one snapshot and renders every series.
func (m *metricsCollector) collect() *exposition {
	var e exposition
	insts, scripts := m.source()
	e.add("keepalived_up", "Status", gauge, 1)
	for _, in := range insts {
		vrid := strconv.Itoa(in.VRID)
		common := []label{{"iname", in.Name}, {"intf", in.Interface}, {"vrid", vrid}, {"state", in.State.String()}}
		for _, c := range exporterCounters {
			e.add(c.name, c.help, counter, float64(c.value(in.Stats)), common...)
		}
		e.add("keepalived_gratuitous_arp_delay_total", "Gratuitous ARP delay", counter, in.GARPDelaySeconds, common...)
		for _, v := range in.VIPs {
			e.add("keepalived_vrrp_state", "State of vrrp", gauge, exporterState(in.State),
				label{"iname", in.Name}, label{"intf", in.Interface}, label{"vrid", vrid}, label{"ip_address", v.Addr().String()})
		}
		own := []label{{"iname", in.Name}, {"vrid", vrid}}
		e.add("goalived_effective_priority", "Effective priority (what adverts carry)", gauge, float64(in.Priority), own...)
		e.add("goalived_base_priority", "Configured priority", gauge, float64(in.BasePriority), own...)
		for reason, n := range in.TransitionsByReason {
			e.add("goalived_transitions_total", "State transitions by reason", counter, float64(n), append(own, label{"reason", reason})...)
		}
		for r, n := range in.Stats.Drops {
			if n > 0 {
				e.add("goalived_drops_total", "Received packets dropped, by reason", counter, float64(n),
					append(own, label{"reason", vrrp.DropReason(r).String()})...)
			}
		}
		e.add("goalived_timer_lateness_max_seconds", "Worst lateness of the instance's timers", gauge, in.MaxLatenessSeconds, own...)
		e.add("goalived_receive_overruns_total", "Packets dropped because the instance's queue was full", counter, in.Overrun, own...)
		e.add("goalived_lower_priority_answers_suppressed_total",
			"Lower-priority adverts a master did not answer, having answered one less than an advert interval before",
			counter, float64(in.Stats.LowerPrioSuppressed), own...)
		e.add("goalived_reports_suppressed_total",
			"Per-packet events (drops, discarded adverts, other address lists) not reported because too many were waiting",
			counter, float64(in.Stats.ReportsSuppressed), own...)
		e.add("goalived_log_lines_suppressed_total",
			"Per-packet log lines left out over their kind's budget (10 per 10 s; a summary line gives the count)",
			counter, float64(in.LogLinesSuppressed), own...)
	}
	for _, s := range scripts {
		// keepalived-exporter: 1 GOOD, 0 BAD.
		status := 0.0
		if s.Up == 1 {
			status = 1
		}
		e.add("keepalived_script_status", "Tracker Script Status", gauge, status, label{"name", s.Name})
		e.add("goalived_script_up", "vrrp_script condition: 1 OK, 0 failed, -1 no result yet", gauge, s.Up, label{"name", s.Name})
		e.add("goalived_script_runs_total", "vrrp_script runs finished", counter, float64(s.Runs), label{"name", s.Name})
		e.add("goalived_script_failures_total", "vrrp_script runs failed or timed out", counter, float64(s.Failures), label{"name", s.Name})
		e.add("goalived_script_last_duration_seconds", "Duration of the vrrp_script's last finished run", gauge, s.LastDuration, label{"name", s.Name})
	}
	addProcessSeries(&e)
	m.collectAnnouncements(&e)
	return &e
}

// collectAnnouncements exports the gratuitous ARP / NA counters:
// goalived_announce_packets_total{interface,family,result}, result being
// sent, retried (a send repeated after a transient error), failed or
// skipped (bursts not sent on an interface without link-layer address).
func (m *metricsCollector) collectAnnouncements(e *exposition) {
	if m.announce == nil {
		return
	}
	const name, help = "goalived_announce_packets_total", "Gratuitous ARPs (ipv4) and unsolicited neighbour advertisements (ipv6), by result"
	for _, s := range m.announce() {
		fam := "ipv4"
		if s.V6 {
			fam = "ipv6"
		}
		for _, r := range []struct {
			result string
			n      uint64
		}{{"sent", s.Sent}, {"retried", s.Retried}, {"failed", s.Failed}, {"skipped", s.Skipped}} {
			e.add(name, help, counter, float64(r.n), label{"interface", s.Ifname}, label{"family", fam}, label{"result", r.result})
		}
	}
}

// listenFunc opens a listener: net.Listen, or the hot upgrade's, which
// hands the listening socket on to the next process.
type listenFunc func(network, addr string) (net.Listener, error)

// serveMetrics serves /metrics on addr until ctx ends. It is off unless
// --metrics-address is given. The endpoint speaks just enough HTTP/1.x
// for a scraper (see httpmin.go).
func serveMetrics(ctx context.Context, listen listenFunc, addr string, c *metricsCollector, log *slog.Logger) error {
	ln, err := listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &minimalHTTP{path: "/metrics", contentType: "text/plain; version=0.0.4; charset=utf-8",
		body: func(w io.Writer) error { return c.collect().write(w) }, log: log}
	go srv.serve(ctx, ln)
	log.Info(fmt.Sprintf("serving metrics on %s", ln.Addr()), "address", ln.Addr().String())
	return nil
}
