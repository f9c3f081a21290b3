package engine

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/netif/nstest"
)

// readerStarted is the line the FIFO reader of these tests logs when it
// starts: each one after the first is a reload restarting it.
const readerStarted = "reader started"

// fifoReloadConf: VI_1 (a peer holds it: BACKUP), the sync group G1
// (VI_2, VI_3; MASTER), VI_4 (it tracks down0, which is down: FAULT)
// and VI_6 (MASTER). extraGlobal goes in global_defs; VI_5 and VI_6 are
// in or out.
func fifoReloadConf(extraGlobal string, vi5, vi6 bool) string {
	conf := strings.Replace(globalDefs, "}\n", extraGlobal+"}\n", 1) + `vrrp_sync_group G1 {
    group {
        VI_2
        VI_3
    }
}
`
	conf += instanceConf("VI_1", 51, 101, "192.0.2.151/32", "") +
		instanceConf("VI_2", 52, 102, "192.0.2.152/32", "") +
		instanceConf("VI_3", 53, 103, "192.0.2.153/32", "") +
		instanceConf("VI_4", 54, 104, "192.0.2.154/32", "    track_interface {\n        down0\n    }")
	if vi5 {
		conf += instanceConf("VI_5", 55, 105, "192.0.2.155/32", "")
	}
	if vi6 {
		conf += instanceConf("VI_6", 56, 106, "192.0.2.156/32", "")
	}
	return conf
}

// TestIntegrationFIFOReload pins what keepalived 2.2.7 writes to the
// notify FIFO across reloads, and goalived with it: every reload
// restarts the reader script even when nothing changed; without
// fifo_write_vrrp_states_on_reload a reload of an unchanged
// configuration writes nothing; with it, the sync groups' states, then
// those of the instances in no group (not the members, and not an
// instance that stays MASTER: keepalived 2.2.7 leaves it out), in
// configuration order with the effective priority; a removed instance's
// FAULT comes before them and a new instance's first states after.
func TestIntegrationFIFOReload(t *testing.T) {
	t.Parallel()
	nstest.ForKinds(t, func(t *testing.T, kind nstest.Kind) {
		l := nstest.New(t, nstest.Hosts(2))
		l.Exec(0, "ip", "link", "add", "down0", "type", "veth", "peer", "name", "down1")
		peer := nstest.StartDaemon(t, l, 1, kind, globalDefs+instanceConf("VI_1", 51, 200, "192.0.2.151/32", ""))
		peer.WaitLine(t, "fifo.log", `INSTANCE "VI_1" MASTER 200`, 1, 10*time.Second)
		d := nstest.StartDaemon(t, l, 0, kind, fifoReloadConf("", false, true))
		for _, line := range []string{`INSTANCE "VI_1" BACKUP 101`, `GROUP "G1" MASTER 0`, `INSTANCE "VI_4" FAULT 104`,
			`INSTANCE "VI_6" MASTER 106`} {
			d.WaitLine(t, "fifo.log", line, 1, 10*time.Second)
		}
		// The reader started at boot was the plain one; from now on
		// every start is logged, so the log shows each restart.
		d.Write(t, "fifo.sh", "#!/bin/sh\necho "+readerStarted+" >>"+d.Path("fifo.log")+"\nexec cat \"$1\" >>"+d.Path("fifo.log")+"\n", 0o755)
		reload := func(conf string, n int) {
			t.Helper()
			d.Reload(t, conf)
			d.WaitLine(t, "fifo.log", readerStarted, n, 30*time.Second)
		}
		reload(fifoReloadConf("", false, true), 1)
		reload(fifoReloadConf("    fifo_write_vrrp_states_on_reload\n", false, true), 2)
		// The states go into the new FIFO right after its reader starts:
		// let the reader take them before the next reload replaces the
		// FIFO (and what it holds).
		d.WaitLine(t, "fifo.log", `INSTANCE "VI_4" FAULT 104`, 2, 30*time.Second)
		reload(fifoReloadConf("    fifo_write_vrrp_states_on_reload\n", true, false), 3)
		d.WaitLine(t, "fifo.log", `INSTANCE "VI_5" MASTER 105`, 1, 30*time.Second)

		var segs [][]string // the lines after each restart
		for _, line := range d.Lines("fifo.log") {
			if line == readerStarted {
				segs = append(segs, nil)
			} else if len(segs) > 0 {
				segs[len(segs)-1] = append(segs[len(segs)-1], line)
			}
		}
		want := [][]string{
			nil,
			{`GROUP "G1" MASTER 0`, `INSTANCE "VI_1" BACKUP 101`, `INSTANCE "VI_4" FAULT 104`},
			{`INSTANCE "VI_6" FAULT 106`, `GROUP "G1" MASTER 0`, `INSTANCE "VI_1" BACKUP 101`, `INSTANCE "VI_4" FAULT 104`,
				`INSTANCE "VI_5" BACKUP 105`, `INSTANCE "VI_5" MASTER 105`},
		}
		if diff := cmp.Diff(want, segs); diff != "" {
			t.Errorf("FIFO lines after each reload (-want +got):\n%s", diff)
		}
	})
}

// TestIntegrationFIFOReloadNewPath: a reload that moves vrrp_notify_fifo
// removes the FIFO the daemon created and starts the reader on the new
// one, which gets the lines from then on.
func TestIntegrationFIFOReloadNewPath(t *testing.T) {
	t.Parallel()
	nstest.ForKinds(t, func(t *testing.T, kind nstest.Kind) {
		l := nstest.New(t, nstest.Hosts(1))
		vi1 := instanceConf("VI_1", 71, 100, "192.0.2.171/32", "")
		d := nstest.StartDaemon(t, l, 0, kind, globalDefs+vi1)
		d.WaitLine(t, "fifo.log", `INSTANCE "VI_1" MASTER 100`, 1, 10*time.Second)
		moved := strings.Replace(globalDefs, "vrrp.fifo", "other.fifo", 1) + vi1 +
			instanceConf("VI_2", 72, 100, "192.0.2.172/32", "")
		d.Reload(t, moved)
		d.WaitLine(t, "fifo.log", `INSTANCE "VI_2" MASTER 100`, 1, 10*time.Second)
		if _, err := os.Stat(d.Path("vrrp.fifo")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the old FIFO is still there: %v", err)
		}
		if st, err := os.Stat(d.Path("other.fifo")); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("the new FIFO: %v, %v", st, err)
		}
	})
}
