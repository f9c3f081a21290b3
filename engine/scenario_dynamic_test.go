package engine_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// TestDynamicInterfaces: with dynamic_interfaces an instance whose
// interface does not exist starts in FAULT; it becomes backup (then
// master) once the interface exists with an address, goes back to FAULT
// when the interface is deleted, and follows it again when it comes back
// (with another index: a new socket), as keepalived 2.2.7 does.
func TestDynamicInterfaces(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		conf := "global_defs {\n  dynamic_interfaces\n}\n" +
			strings.Replace(instance("VI_1", 51, 150, "192.0.2.100/32"), "interface eth0", "interface eth1", 1)
		a.start(conf, engine.Options{})
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateFault)
		if !strings.Contains(a.log.String(), "doesn't currently exist - will use if created") {
			t.Errorf("the missing interface was not logged:\n%s", a.log)
		}

		a.host.AddLink("eth1", seg)
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateFault) // no address to send from yet
		a.host.AddAddr("eth1", "198.51.100.1/24")
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		if src := a.status("VI_1").Source; src != netip.MustParseAddr("198.51.100.1") {
			t.Errorf("source %v, want 198.51.100.1", src)
		}

		a.host.DeleteLink("eth1")
		wait(time.Second)
		a.wantState("VI_1", vrrp.StateFault)

		a.host.AddLink("eth1", seg, "198.51.100.2/24")
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		if src := a.status("VI_1").Source; src != netip.MustParseAddr("198.51.100.2") {
			t.Errorf("source %v after the interface came back, want 198.51.100.2", src)
		}
		if !a.host.HasAddr("eth1", "192.0.2.100/32") {
			t.Errorf("VIP not on the new eth1:\n%s", a.host.IPAddr())
		}
	})
}

// TestMasterRxLowerPri: a master that hears a lower priority master
// (here once a partition heals) asserts itself, runs
// notify_master_rx_lower_pri and writes MASTER_RX_LOWER_PRI with its own
// priority to the FIFO; the other yields.
func TestMasterRxLowerPri(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		b := newNode(t, seg, "192.0.2.2/24")
		seg.Partition([]netip.Addr{netip.MustParseAddr("192.0.2.1")}, []netip.Addr{netip.MustParseAddr("192.0.2.2")})
		a.start("global_defs {\n  vrrp_notify_fifo /run/vrrp.fifo\n}\n"+
			instance("VI_1", 51, 150, "192.0.2.100/32", "notify_master_rx_lower_pri /bin/rx.sh"), engine.Options{})
		b.start(instance("VI_1", 51, 100, "192.0.2.100/32"), engine.Options{})
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		b.wantState("VI_1", vrrp.StateMaster)
		// Heal between a's advert (x.414 s) and b's (x.609 s): a hears
		// b's first.
		wait(500 * time.Millisecond)
		seg.Heal()
		wait(3 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		b.wantState("VI_1", vrrp.StateBackup)
		if got := a.host.RunLines("/bin/rx.sh"); len(got) == 0 {
			t.Errorf("notify_master_rx_lower_pri did not run:\n%s", a.log)
		}
		if !slices.Contains(a.host.FIFOLines("/run/vrrp.fifo"), `INSTANCE "VI_1" MASTER_RX_LOWER_PRI 150`) {
			t.Errorf("no MASTER_RX_LOWER_PRI line: %q", a.host.FIFOLines("/run/vrrp.fifo"))
		}
	})
}

// TestFIFOReload: a reload reopens the notify FIFO (a new path takes the
// lines from then on) and, with fifo_write_vrrp_states_on_reload, writes
// the states of the instances that are not master.
func TestFIFOReload(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		b := newNode(t, seg, "192.0.2.2/24")
		b.start(instance("VI_2", 52, 200, "192.0.2.200/32"), engine.Options{})
		conf := func(fifo string) string {
			return "global_defs {\n  vrrp_notify_fifo " + fifo + "\n  fifo_write_vrrp_states_on_reload\n}\n" +
				instance("VI_1", 51, 150, "192.0.2.100/32") + instance("VI_2", 52, 100, "192.0.2.200/32")
		}
		a.start(conf("/run/a.fifo"), engine.Options{})
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster, "VI_2", vrrp.StateBackup)
		a.reload(conf("/run/b.fifo"))
		wantA := []string{`INSTANCE "VI_1" BACKUP 150`, `INSTANCE "VI_2" BACKUP 100`, `INSTANCE "VI_1" MASTER 150`}
		if diff := cmp.Diff(wantA, sortedPrefix(a.host.FIFOLines("/run/a.fifo"), 2)); diff != "" {
			t.Errorf("first fifo (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{`INSTANCE "VI_2" BACKUP 100`}, a.host.FIFOLines("/run/b.fifo")); diff != "" {
			t.Errorf("second fifo (-want +got):\n%s", diff)
		}
	})
}

// sortedPrefix sorts the first n lines (written by instances at the same
// instant, in either order).
func sortedPrefix(lines []string, n int) []string {
	out := append([]string(nil), lines...)
	if len(out) >= n {
		slices.Sort(out[:n])
	}
	return out
}
