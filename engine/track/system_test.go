package track_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vishvananda/netns"

	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/script"
)

// TestSystem: the real system side, where it needs no root: files by
// inotify in a temporary directory, this process in /proc, checks, the
// loopback interface.
func TestSystem(t *testing.T) {
	sys := track.System(nil)
	p := filepath.Join(t.TempDir(), "prio")
	if err := sys.Files.Init(p, 5, false, false); err != nil {
		t.Fatal(err)
	}
	w, dropped, err := sys.Files.Watch(map[string]string{"f": p, "x": "/no/such/dir/x"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if len(dropped) != 1 || dropped["x"] == nil {
		t.Errorf("dropped %v, want x", dropped)
	}
	if got := string(w.Read("f")); got != "5\n" {
		t.Errorf("init_file wrote %q, want 5", got)
	}
	if err := os.WriteFile(p, []byte("7"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case ch := <-w.Changes():
		if ch.Name != "f" || string(ch.Data) != "7" {
			t.Errorf("change %+v, want f 7", ch)
		}
	case <-time.After(5 * time.Second):
		t.Error("no change within 5 s")
	}

	found := false
	for _, pr := range sys.Processes.Scan(false) {
		found = found || pr.PID == os.Getpid()
	}
	if !found {
		t.Error("this process is not in the scan")
	}

	if _, err := sys.Checks.NewCheck(script.CheckConfig{Name: "empty"}); err == nil {
		t.Error("a check without a command was created")
	}
	c, err := sys.Checks.NewCheck(script.CheckConfig{Name: "c", Command: script.Command{Argv: []string{"/bin/true"}}})
	if err != nil || c.Name() != "c" {
		t.Errorf("NewCheck: %v, %v", c, err)
	}

	if !sys.Links.HasAddr("lo", netip.MustParseAddr("127.0.0.1")) || sys.Links.HasAddr("no-such-if", netip.MustParseAddr("127.0.0.1")) {
		t.Error("HasAddr does not see 127.0.0.1 on lo only")
	}
}

// TestSystemLinks reads and watches the links through netif.Addrs.
func TestSystemLinks(t *testing.T) {
	addrs, err := netif.OpenAddrs(netns.None())
	if err != nil {
		t.Skipf("no netlink: %v", err)
	}
	defer addrs.Close()
	sys := track.System(addrs)
	ls, err := sys.Links.Link("lo")
	if err != nil || !ls.Up {
		t.Errorf("Link(lo) = %+v, %v, want up", ls, err)
	}
	w, err := sys.Links.Watch()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Error(err)
	}
}
