package netif_test

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationEnsureConcurrent: many Ensure calls at once, each on its
// own netlink socket (a master of hundreds of instances), all succeed and
// every address ends up present, although additions interrupt the
// address dumps that Ensure makes (NLM_F_DUMP_INTR).
func TestIntegrationEnsureConcurrent(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(1))
	// A thousand addresses already there make every dump span several
	// netlink messages, so that additions can interrupt it.
	var batch strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&batch, "addr add 2001:db8:1::%x/128 dev eth0 nodad\n", i+1)
	}
	file := filepath.Join(t.TempDir(), "batch")
	if err := os.WriteFile(file, []byte(batch.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	lab.Exec(0, "ip", "-batch", file)
	const n = 300
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			h, err := netif.OpenAddrs(lab.NetNS(0))
			if err != nil {
				errs <- err
				return
			}
			defer h.Close()
			p := netip.MustParsePrefix(fmt.Sprintf("2001:db8:2::%x/128", i+1))
			errs <- h.Ensure([]netif.Addr{{Prefix: p, Dev: "eth0"}})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("ensure: %v", err)
		}
	}
	a, err := netif.OpenAddrs(lab.NetNS(0))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for i := range n {
		p := netip.MustParsePrefix(fmt.Sprintf("2001:db8:2::%x/128", i+1))
		if ok, err := a.Present(netif.Addr{Prefix: p, Dev: "eth0"}); err != nil || !ok {
			t.Errorf("%v present=%v err=%v", p, ok, err)
		}
	}
}
