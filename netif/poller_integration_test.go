package netif_test

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
	"go.uber.org/goleak"
)

// watched collects what a Watch delivers.
type watched struct {
	mu   sync.Mutex
	got  [][]byte
	errs int
	more chan struct{} // signalled at each delivery
}

func newWatched() *watched { return &watched{more: make(chan struct{}, 1)} }

func (w *watched) deliver(p netif.Packet, err error) {
	w.mu.Lock()
	if err != nil {
		w.errs++
	} else {
		w.got = append(w.got, bytes.Clone(p.Payload))
	}
	w.mu.Unlock()
	select {
	case w.more <- struct{}{}:
	default:
	}
}

func (w *watched) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.got)
}

// waitCount waits until n packets were delivered.
func (w *watched) waitCount(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for w.count() < n {
		select {
		case <-w.more:
		case <-deadline:
			t.Fatalf("delivered %d packets within 10 s, want %d", w.count(), n)
		}
	}
}

// TestIntegrationConnWatch: two watched sockets on one interface both get
// every packet of a burst longer than one round's read budget, in order,
// on the shared goroutine; after stop nothing more is delivered, and the
// goroutine ends with the last watch.
func TestIntegrationConnWatch(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	lab := nstest.New(t, nstest.Hosts(2))
	tx := listenIn(t, lab, 0, netif.Config{Ifname: "eth0"})
	rx1 := listenIn(t, lab, 1, netif.Config{Ifname: "eth0"})
	rx2 := listenIn(t, lab, 1, netif.Config{Ifname: "eth0"})
	w1, w2 := newWatched(), newWatched()
	stop1, err := rx1.Watch(w1.deliver)
	if err != nil {
		t.Fatal(err)
	}
	stop2, err := rx2.Watch(w2.deliver)
	if err != nil {
		t.Fatal(err)
	}
	const n = 200 // more than three rounds' budget
	var want [][]byte
	for i := range n {
		msg := bytes.Clone(advert)
		msg[1] = byte(i) // the VRID byte tells them apart
		want = append(want, msg)
		if err := tx.WritePacket(msg, netif.GroupV4); err != nil {
			t.Fatal(err)
		}
	}
	w1.waitCount(t, n)
	w2.waitCount(t, n)
	for _, w := range []*watched{w1, w2} {
		w.mu.Lock()
		for i := range want {
			if !bytes.Equal(w.got[i], want[i]) {
				t.Errorf("packet %d: % x, want % x", i, w.got[i], want[i])
				break
			}
		}
		if w.errs != 0 {
			t.Errorf("%d read errors delivered", w.errs)
		}
		w.mu.Unlock()
	}

	stop1()
	stop1() // idempotent
	if err := tx.WritePacket(advert, netif.GroupV4); err != nil {
		t.Fatal(err)
	}
	w2.waitCount(t, n+1)
	if got := w1.count(); got != n {
		t.Errorf("stopped watch got %d packets, want %d", got, n)
	}
	stop2()
}

// TestIntegrationConnWatchClosed: a socket closed while watched ends its
// deliveries without error reports, and stop returns.
func TestIntegrationConnWatchClosed(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	lab := nstest.New(t, nstest.Hosts(2))
	tx := listenIn(t, lab, 0, netif.Config{Ifname: "eth0"})
	rx := listenIn(t, lab, 1, netif.Config{Ifname: "eth0"})
	w := newWatched()
	stop, err := rx.Watch(w.deliver)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.WritePacket(advert, netif.GroupV4); err != nil {
		t.Fatal(err)
	}
	w.waitCount(t, 1)
	if err := rx.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.WritePacket(advert, netif.GroupV4); err != nil {
		t.Fatal(err)
	}
	stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.got) != 1 || w.errs != 0 {
		t.Errorf("after close: %d packets and %d errors delivered, want 1 and 0", len(w.got), w.errs)
	}
	if _, err := rx.Watch(w.deliver); err == nil {
		t.Error("Watch of a closed socket succeeded")
	}
}
