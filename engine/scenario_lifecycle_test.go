package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// TestClose: a master that stops sends priority 0, so the backup takes
// over at once (its skew time, not the master-down interval), and
// releases its VIP; with KeepVIPsOnStop (-V) it leaves the VIP and sends
// nothing, so the backup waits the master-down interval. Either way the
// instance is notified STOP.
func TestClose(t *testing.T) {
	for _, keep := range []bool{false, true} {
		name := map[bool]string{false: "release", true: "keep VIPs"}[keep]
		t.Run(name, func(t *testing.T) {
			onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
				a := newNode(t, seg, "192.0.2.1/24")
				b := newNode(t, seg, "192.0.2.2/24")
				a.start(instance("VI_1", 51, 150, "192.0.2.100/32", notifyAll), engine.Options{KeepVIPsOnStop: keep})
				b.start(instance("VI_1", 51, 100, "192.0.2.100/32"), engine.Options{})
				wait(5 * time.Second)
				a.wantState("VI_1", vrrp.StateMaster)
				if err := a.eng.Close(); err != nil {
					t.Fatal(err)
				}
				if err := a.eng.Close(); err != nil {
					t.Errorf("second Close: %v", err)
				}
				a.wantAddr("192.0.2.100/32", keep)
				wait(time.Second)
				if keep {
					b.wantState("VI_1", vrrp.StateBackup)
					wait(3 * time.Second)
				}
				b.wantState("VI_1", vrrp.StateMaster)
				want := []string{"/bin/notify.sh INSTANCE VI_1 BACKUP 150", "/bin/notify.sh INSTANCE VI_1 MASTER 150",
					"/bin/notify.sh INSTANCE VI_1 STOP 150"}
				if diff := cmp.Diff(want, a.host.RunLines("/bin/notify.sh")); diff != "" {
					t.Errorf("notify runs (-want +got):\n%s", diff)
				}
				if n := a.host.Watchers(); n != 0 {
					t.Errorf("%d link watchers left open", n)
				}
				if s := a.host.Sockets(); len(s) != 0 {
					t.Errorf("sockets left open: %v", s)
				}
			})
		})
	}
}

// TestStartupDelay: with vrrp_startup_delay the instances stay in INIT
// for the delay, then start as usual.
func TestStartupDelay(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.start("global_defs {\n  vrrp_startup_delay 30\n}\n"+instance("VI_1", 51, 150, "192.0.2.100/32"), engine.Options{})
		wait(29 * time.Second)
		a.wantState("VI_1", vrrp.StateInit)
		a.wantAddr("192.0.2.100/32", false)
		wait(2 * time.Second)
		a.wantState("VI_1", vrrp.StateBackup)
		wait(3 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
	})
}

// TestStartupDelayClosed: an engine closed during its startup delay
// never starts its instances.
func TestStartupDelayClosed(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.start("global_defs {\n  vrrp_startup_delay 30\n}\n"+instance("VI_1", 51, 150, "192.0.2.100/32", notifyAll), engine.Options{})
		wait(time.Second)
		a.eng.Close()
		wait(time.Minute)
		if runs := a.host.RunLines("/bin/notify.sh"); len(runs) > 1 {
			t.Errorf("notify runs after a close during the delay: %q", runs)
		}
	})
}

// TestGlobalScripts: startup_script runs before the instances start and
// shutdown_script after they stopped.
func TestGlobalScripts(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.host.SetScript("/bin/failing.sh", func([]string) int { return 1 })
		a.start("global_defs {\n  startup_script /bin/start.sh\n  shutdown_script \"/bin/failing.sh now\"\n}\n"+
			instance("VI_1", 51, 150, "192.0.2.100/32", notifyAll), engine.Options{})
		wait(5 * time.Second)
		a.eng.Close()
		want := []string{"/bin/start.sh", "/bin/notify.sh INSTANCE VI_1 BACKUP 150", "/bin/notify.sh INSTANCE VI_1 MASTER 150",
			"/bin/notify.sh INSTANCE VI_1 STOP 150", "/bin/failing.sh now"}
		if diff := cmp.Diff(want, runLines(a, 0)); diff != "" {
			t.Errorf("runs (-want +got):\n%s", diff)
		}
		if !strings.Contains(a.log.String(), `msg="shutdown script script failed, status 1" keepalived_process=parent`) {
			t.Errorf("the failing shutdown_script was not logged:\n%s", a.log)
		}
	})
}

// TestSysctls: promote_secondaries and disable_local_igmp are set while
// the engine runs and put back when it stops.
func TestSysctls(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		a.start("global_defs {\n  disable_local_igmp\n}\n"+instance("VI_1", 51, 150, "192.0.2.100/32", "promote_secondaries"),
			engine.Options{})
		settings := func() []string {
			return []string{a.host.Sysctl("net/ipv4/conf/eth0/promote_secondaries"), a.host.Sysctl("net/ipv4/igmp_link_local_mcast_reports")}
		}
		if diff := cmp.Diff([]string{"1", "0"}, settings()); diff != "" {
			t.Errorf("while running (-want +got):\n%s", diff)
		}
		a.eng.Close()
		if diff := cmp.Diff([]string{"0", "1"}, settings()); diff != "" {
			t.Errorf("after stop (-want +got):\n%s", diff)
		}
	})
}

// TestStartErrors: a missing interface stops the start (without
// dynamic_interfaces, as keepalived refuses to run), and so does a VRID
// used twice on one interface; an incomplete host is refused.
func TestStartErrors(t *testing.T) {
	inBubble(t, func(t *testing.T) {
		a := newNode(t, nil, "192.0.2.1/24")
		err := a.tryStart(strings.Replace(instance("VI_1", 51, 150, "192.0.2.100/32"), "eth0", "eth9", 1), engine.Options{})
		if err == nil || !strings.Contains(err.Error(), "eth9") {
			t.Errorf("start on a missing interface: %v", err)
		}
		b := newNode(t, nil, "192.0.2.1/24")
		err = b.tryStart(instance("VI_1", 51, 150, "")+instance("VI_2", 51, 100, ""), engine.Options{})
		if err == nil || !strings.Contains(err.Error(), "used twice") {
			t.Errorf("start with a VRID used twice: %v", err)
		}
		e := engine.New(load(t, instance("VI_1", 51, 150, "")), engine.Host{}, engine.Options{})
		if err := e.Start(); err == nil || !strings.Contains(err.Error(), "host incomplete") {
			t.Errorf("start without a host: %v", err)
		}
	})
}

// TestMetricsAndBuffers: the metrics show each instance's state and
// transitions; the VRRP socket's receive buffer is the sum of its
// instances' shares (vrrp_rx_bufs_policy MTU: multiplier x MTU each);
// an advert for a VRID nobody here runs is logged once with
// log_unknown_vrids.
func TestMetricsAndBuffers(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		b := newNode(t, seg, "192.0.2.2/24")
		a.start("global_defs {\n  vrrp_rx_bufs_policy MTU\n  vrrp_rx_bufs_multiplier 2\n  log_unknown_vrids\n}\n"+
			instance("VI_1", 51, 150, "192.0.2.100/32")+instance("VI_2", 52, 150, "192.0.2.200/32"), engine.Options{})
		b.start(instance("VI_9", 59, 150, "192.0.2.190/32"), engine.Options{})
		wait(5 * time.Second)
		socks := a.host.Sockets()
		if len(socks) != 1 || socks[0].RcvBuf != 2*2*1500 {
			t.Errorf("sockets %+v, want one with a 6000 byte buffer", socks)
		}
		insts, _ := a.eng.Metrics()
		if len(insts) != 2 || insts[0].Name != "VI_1" || insts[0].State != vrrp.StateMaster || insts[0].TransitionsByReason["master down timer"] != 1 {
			t.Errorf("metrics %+v", insts)
		}
		if n := strings.Count(a.log.String(), `msg="Unknown VRID(59) received on interface(eth0) from 192.0.2.2. ignoring..."`); n != 1 {
			t.Errorf("unknown VRID logged %d times, want once:\n%s", n, a.log)
		}
	})
}
