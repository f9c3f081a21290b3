package nstest_test

import (
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/goalived/goalived/netif/nstest"
)

func TestIntegrationLab(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(3))
	if lab.Len() != 3 {
		t.Fatalf("Len() = %d, want 3", lab.Len())
	}
	for i := 0; i < lab.Len(); i++ {
		h := lab.Host(i)
		if !strings.HasPrefix(h.Name, "gl-"+lab.ID()) {
			t.Errorf("host %d name %q lacks prefix gl-%s", i, h.Name, lab.ID())
		}
		out := lab.Exec(i, "ip", "-o", "addr", "show", "dev", h.Ifname)
		for _, want := range []string{h.Prefix4().String(), h.Prefix6().String(), h.LinkLocal.String()} {
			if !strings.Contains(out, want) {
				t.Errorf("host %d: address %s missing from:\n%s", i, want, out)
			}
		}
		link := lab.Exec(i, "ip", "-o", "link", "show", "dev", h.Ifname)
		if !strings.Contains(link, h.MAC.String()) || !strings.Contains(link, "state UP") {
			t.Errorf("host %d: want MAC %s and state UP in:\n%s", i, h.MAC, link)
		}
	}
	// Every host reaches every other over IPv4 and IPv6 through the bridge.
	lab.Exec(0, "ping", "-c1", "-W2", lab.Host(2).Addr4.String())
	lab.Exec(2, "ping", "-c1", "-W2", lab.Host(1).Addr6.String())
	lab.Exec(1, "ping", "-c1", "-W2", lab.Host(0).LinkLocal.String()+"%eth0")
}

func TestIntegrationDo(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(2))
	var got *net.Interface
	var err error
	lab.Do(1, func() { got, err = net.InterfaceByName("eth0") })
	if err != nil {
		t.Fatalf("InterfaceByName in host 1: %v", err)
	}
	if got.Index != lab.Host(1).Index || got.HardwareAddr.String() != lab.Host(1).MAC.String() {
		t.Errorf("Do(1): eth0 = index %d mac %s, want %d %s", got.Index, got.HardwareAddr, lab.Host(1).Index, lab.Host(1).MAC)
	}
	// Back in the test's own namespace afterwards: the lab's eth0 with
	// the lab MAC must not be visible here.
	if ifi, err := net.InterfaceByName("eth0"); err == nil && ifi.HardwareAddr.String() == lab.Host(1).MAC.String() {
		t.Errorf("after Do: still inside the lab namespace")
	}
	if out, err := lab.Run(0, "ip", "link", "show", "dev", "nosuchdev"); err == nil {
		t.Errorf("Run of a failing command: no error, output %q", out)
	}
}

// TestIntegrationCleanup checks that a finished lab leaves neither its
// namespaces nor its processes behind.
func TestIntegrationCleanup(t *testing.T) {
	nstest.RequireRoot(t)
	var names []string
	var pid int
	t.Run("lab", func(t *testing.T) {
		lab := nstest.New(t, nstest.Hosts(1))
		names = []string{lab.Switch(), lab.Host(0).Name}
		p := lab.Start(0, "sleep", "600")
		pid = p.Pid()
	})
	for _, n := range names {
		if _, err := os.Stat("/run/netns/" + n); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("namespace %s still exists after cleanup (stat: %v)", n, err)
		}
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process %d still exists after cleanup (kill 0: %v)", pid, err)
	}
}
