package engine

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nstest"
)

// The integration tests of this package run the real goalived daemon, and
// keepalived 2.2.7 beside it (nstest.ForKinds, nstest.StartDaemon), in
// the hosts of an nstest lab: the trackers, sync groups and FIFOs are
// only proven when the whole daemon reacts to a file, a process, a peer.
// (Running the Engine in-process would leave goroutines and sockets in
// the wrong namespace.)

func TestMain(m *testing.M) { nstest.Main(m) }

// globalDefs are the global_defs every test configuration starts with:
// scripts run as root with script security on, as in production; the
// harness's FIFO reader logs the FIFO's lines to fifo.log.
const globalDefs = `global_defs {
    router_id gl-engine
    script_user root
    enable_script_security
    vrrp_notify_fifo {{DIR}}/vrrp.fifo
    vrrp_notify_fifo_script {{DIR}}/fifo.sh
}
`

// hasAddr reports whether host i has addr.
func hasAddr(t *testing.T, l *nstest.Lab, i int, addr string) bool {
	t.Helper()
	return l.HasAddr(i, netip.MustParseAddr(addr))
}

func waitAddr(t *testing.T, l *nstest.Lab, i int, addr string, want bool, within time.Duration) {
	t.Helper()
	l.WaitAddr(i, netip.MustParseAddr(addr), want, within)
}

// instanceConf is one fast VRRPv3 instance on eth0; extra goes inside.
func instanceConf(name string, vrid, prio int, vip, extra string) string {
	return fmt.Sprintf(`vrrp_instance %s {
    state BACKUP
    interface eth0
    virtual_router_id %d
    priority %d
    version 3
    advert_int 0.1
    virtual_ipaddress {
        %s
    }
    notify {{DIR}}/notify.sh
%s
}
`, name, vrid, prio, vip, extra)
}

// TestIntegrationMasterRxLowerPri: a master hearing a lower-priority
// advert (here from a peer that cannot hear it back, a one-way split)
// runs notify_master_rx_lower_pri with its own argv and writes
// MASTER_RX_LOWER_PRI with its own priority to the FIFO.
func TestIntegrationMasterRxLowerPri(t *testing.T) {
	t.Parallel()
	nstest.ForKinds(t, func(t *testing.T, kind nstest.Kind) {
		l := nstest.New(t, nstest.Hosts(2))
		a, b := l.Host(0), l.Host(1)
		// A's adverts go to an address nobody has; B's reach A.
		confA := globalDefs + instanceConf("VI_1", 81, 200, "192.0.2.181", fmt.Sprintf(`    unicast_src_ip %s
    unicast_peer {
        192.0.2.99
    }
    notify_master_rx_lower_pri "{{DIR}}/notify.sh rx-lower-pri"`, a.Addr4))
		confB := globalDefs + instanceConf("VI_1", 81, 100, "192.0.2.181", fmt.Sprintf(`    unicast_src_ip %s
    unicast_peer {
        %s
    }`, b.Addr4, a.Addr4))
		da := nstest.StartDaemon(t, l, 0, kind, confA)
		da.WaitLine(t, "fifo.log", `INSTANCE "VI_1" MASTER 200`, 1, 10*time.Second)
		nstest.StartDaemon(t, l, 1, kind, confB)
		da.WaitLine(t, "notify.log", "rx-lower-pri", 1, 10*time.Second)
		da.WaitLine(t, "fifo.log", `INSTANCE "VI_1" MASTER_RX_LOWER_PRI 200`, 1, 10*time.Second)
		for _, line := range da.Lines("notify.log") {
			if strings.Contains(line, "MASTER_RX_LOWER_PRI") {
				t.Errorf("the generic notify script ran for MASTER_RX_LOWER_PRI: %q", line)
			}
		}
		if !hasAddr(t, l, 0, "192.0.2.181") {
			t.Error("master lost its VIP")
		}
	})
}

var sprintf = fmt.Sprintf
