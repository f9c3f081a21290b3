package host

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestTimerfdClockAdapter: both kinds of timer fire, and a stopped one
// does not.
func TestTimerfdClockAdapter(t *testing.T) {
	c, closeClock := newClock()
	defer closeClock()
	if _, ok := c.(timerfdClock); !ok {
		t.Fatalf("clock is %T, want the timerfd clock on Linux", c)
	}
	fired := make(chan struct{})
	c.AfterFunc(time.Millisecond, func() { close(fired) })
	tm := c.NewTimer(2 * time.Millisecond)
	stopped := c.AfterFunc(time.Millisecond, func() { t.Error("a stopped timer fired") })
	if !stopped.Stop() {
		t.Error("Stop of a pending timer reported false")
	}
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("AfterFunc timer did not fire")
	}
	select {
	case at := <-tm.C():
		if at.IsZero() {
			t.Error("zero time from NewTimer")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("NewTimer did not fire")
	}
	time.Sleep(10 * time.Millisecond) // the stopped timer's deadline passes
}

func TestSysctls(t *testing.T) {
	root := t.TempDir()
	name := "net/ipv4/conf/eth0/promote_secondaries"
	path := filepath.Join(root, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := Sysctls{Root: root}
	if v, err := s.Get(name); err != nil || v != "0" {
		t.Fatalf("Get = %q, %v; want 0", v, err)
	}
	if err := s.Set(name, "1"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "1" {
		t.Fatalf("after Set: %q", b)
	}
	if _, err := s.Get("net/ipv4/conf/nosuch/promote_secondaries"); err == nil {
		t.Fatal("reading a missing sysctl did not fail")
	}
}
