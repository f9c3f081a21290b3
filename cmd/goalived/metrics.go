package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
)

// metricsCollector exports keepalived-exporter's metric names, labels and
// value conventions (so its dashboards work unchanged) plus goalived's own.
// It reads a fresh engine snapshot on every scrape.
type metricsCollector struct {
	source func() ([]engine.InstanceMetrics, []engine.ScriptMetrics)
	descs  map[string]*prometheus.Desc
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

func newMetricsCollector(source func() ([]engine.InstanceMetrics, []engine.ScriptMetrics)) *metricsCollector {
	common := []string{"iname", "intf", "vrid", "state"}
	d := map[string]*prometheus.Desc{
		"keepalived_up":                         prometheus.NewDesc("keepalived_up", "Status", nil, nil),
		"keepalived_vrrp_state":                 prometheus.NewDesc("keepalived_vrrp_state", "State of vrrp", []string{"iname", "intf", "vrid", "ip_address"}, nil),
		"keepalived_gratuitous_arp_delay_total": prometheus.NewDesc("keepalived_gratuitous_arp_delay_total", "Gratuitous ARP delay", common, nil),
		"keepalived_script_status":              prometheus.NewDesc("keepalived_script_status", "Tracker Script Status", []string{"name"}, nil),
		"goalived_effective_priority":           prometheus.NewDesc("goalived_effective_priority", "Effective priority (what adverts carry)", []string{"iname", "vrid"}, nil),
		"goalived_base_priority":                prometheus.NewDesc("goalived_base_priority", "Configured priority", []string{"iname", "vrid"}, nil),
		"goalived_transitions_total":            prometheus.NewDesc("goalived_transitions_total", "State transitions by reason", []string{"iname", "vrid", "reason"}, nil),
		"goalived_drops_total":                  prometheus.NewDesc("goalived_drops_total", "Received packets dropped, by reason", []string{"iname", "vrid", "reason"}, nil),
		"goalived_timer_lateness_max_seconds":   prometheus.NewDesc("goalived_timer_lateness_max_seconds", "Worst lateness of the instance's timers", []string{"iname", "vrid"}, nil),
		"goalived_receive_overruns_total":       prometheus.NewDesc("goalived_receive_overruns_total", "Packets dropped because the instance's queue was full", []string{"iname", "vrid"}, nil),
		"goalived_script_up":                    prometheus.NewDesc("goalived_script_up", "vrrp_script condition: 1 OK, 0 failed, -1 no result yet", []string{"name"}, nil),
	}
	for _, c := range exporterCounters {
		d[c.name] = prometheus.NewDesc(c.name, c.help, common, nil)
	}
	return &metricsCollector{source: source, descs: d}
}

func (m *metricsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range m.descs {
		ch <- d
	}
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

func (m *metricsCollector) Collect(ch chan<- prometheus.Metric) {
	insts, scripts := m.source()
	ch <- prometheus.MustNewConstMetric(m.descs["keepalived_up"], prometheus.GaugeValue, 1)
	for _, in := range insts {
		vrid := strconv.Itoa(in.VRID)
		lv := []string{in.Name, in.Interface, vrid, in.State.String()}
		for _, c := range exporterCounters {
			ch <- prometheus.MustNewConstMetric(m.descs[c.name], prometheus.CounterValue, float64(c.value(in.Stats)), lv...)
		}
		ch <- prometheus.MustNewConstMetric(m.descs["keepalived_gratuitous_arp_delay_total"], prometheus.CounterValue, in.GARPDelaySeconds, lv...)
		for _, v := range in.VIPs {
			ch <- prometheus.MustNewConstMetric(m.descs["keepalived_vrrp_state"], prometheus.GaugeValue, exporterState(in.State),
				in.Name, in.Interface, vrid, v.Addr().String())
		}
		ch <- prometheus.MustNewConstMetric(m.descs["goalived_effective_priority"], prometheus.GaugeValue, float64(in.Priority), in.Name, vrid)
		ch <- prometheus.MustNewConstMetric(m.descs["goalived_base_priority"], prometheus.GaugeValue, float64(in.BasePriority), in.Name, vrid)
		for reason, n := range in.TransitionsByReason {
			ch <- prometheus.MustNewConstMetric(m.descs["goalived_transitions_total"], prometheus.CounterValue, float64(n), in.Name, vrid, reason)
		}
		for r, n := range in.Stats.Drops {
			if n > 0 {
				ch <- prometheus.MustNewConstMetric(m.descs["goalived_drops_total"], prometheus.CounterValue, float64(n), in.Name, vrid, vrrp.DropReason(r).String())
			}
		}
		ch <- prometheus.MustNewConstMetric(m.descs["goalived_timer_lateness_max_seconds"], prometheus.GaugeValue, in.MaxLatenessSeconds, in.Name, vrid)
		ch <- prometheus.MustNewConstMetric(m.descs["goalived_receive_overruns_total"], prometheus.CounterValue, in.Overrun, in.Name, vrid)
	}
	for _, s := range scripts {
		// keepalived-exporter: 1 GOOD, 0 BAD.
		status := 0.0
		if s.Up == 1 {
			status = 1
		}
		ch <- prometheus.MustNewConstMetric(m.descs["keepalived_script_status"], prometheus.GaugeValue, status, s.Name)
		ch <- prometheus.MustNewConstMetric(m.descs["goalived_script_up"], prometheus.GaugeValue, s.Up, s.Name)
	}
}

// serveMetrics serves /metrics on addr until ctx ends. It is off unless
// --metrics-address is given.
func serveMetrics(ctx context.Context, addr string, c prometheus.Collector, log *slog.Logger) error {
	reg := prometheus.NewRegistry()
	if err := reg.Register(c); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server", "err", err)
		}
	}()
	log.Info("serving metrics", "address", ln.Addr().String())
	return nil
}
