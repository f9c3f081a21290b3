package nslab_test

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goalived/goalived/netif/nslab"
	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationLab builds a two-host lab, checks connectivity and that
// a cable cut separates the hosts, and that Close kills a running process
// and removes every namespace.
func TestIntegrationLab(t *testing.T) {
	nstest.RequireRoot(t)
	l, err := nslab.New("t", "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	b, _ := l.Host("b")
	if out, err := l.Run("a", "ping", "-c1", "-W2", b.Addr4.String()); err != nil {
		t.Fatalf("ping a -> b: %v\n%s", err, out)
	}
	if err := l.SetPort("b", false); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Run("a", "ping", "-c1", "-W1", b.Addr4.String()); err == nil {
		t.Error("ping a -> b succeeded with b's port down")
	}
	if ok, err := l.HasAddr("b", b.Addr4); err != nil || !ok {
		t.Errorf("HasAddr(b, %v) = %v, %v; want true", b.Addr4, ok, err)
	}
	p, err := l.Start("a", nil, "sleep", "60")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := p.Wait(time.Second); err == nil {
		t.Error("sleep exited cleanly; want it killed by Close")
	}
	if err := syscall.Kill(p.Pid(), 0); err == nil {
		t.Errorf("process %d still exists after Close", p.Pid())
	}
	out, err := nslab.Run("", "ip", "netns", "list")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "gl-"+l.ID()+"-") {
		t.Errorf("namespaces of lab %s left after Close:\n%s", l.ID(), out)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}
