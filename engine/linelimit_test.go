package engine

import (
	"bytes"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/vrrp/vrrptest"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) messages() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

// TestLineLimiter: of a flood of per-packet lines of one kind, the first
// lineBurst of a window are written; the rest are counted and summarised
// once the window ends, and the next window has the budget again;
// another kind has its own budget; close writes what is pending.
func TestLineLimiter(t *testing.T) {
	clock := vrrptest.NewFakeClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	var buf lockedBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key != slog.MessageKey { // the message alone
				return slog.Attr{}
			}
			return a
		}}))
	l := newLineLimiter(clock, log, "(VI_1) ")
	peer := netip.MustParseAddr("2001:db8::7")
	written := 0
	for range 100000 {
		if l.allow(kindDiscarded, peer) {
			written++
		}
	}
	if written != lineBurst {
		t.Errorf("%d of a flood's lines written, want %d", written, lineBurst)
	}
	if !l.allow(kindOtherVIPs, peer) {
		t.Error("another kind's first line held back")
	}
	clock.Advance(lineWindow)
	if got := l.suppressedTotal(); got != 100000-lineBurst {
		t.Errorf("suppressed %d, want %d", got, 100000-lineBurst)
	}
	// The next window: the budget is back.
	for range lineBurst {
		if !l.allow(kindDiscarded, peer) {
			t.Fatal("a line within the new window's budget held back")
		}
	}
	l.allow(kindDiscarded, peer)
	l.close()
	want := []string{
		`msg="(VI_1) 99990 more lower priority adverts discarded in the last 10s, not logged one by one (the last from 2001:db8::7)"`,
		`msg="(VI_1) 1 more lower priority adverts discarded in the last 0s, not logged one by one (the last from 2001:db8::7)"`,
	}
	if diff := cmp.Diff(want, buf.messages()); diff != "" {
		t.Errorf("summaries (-want +got):\n%s", diff)
	}
}
