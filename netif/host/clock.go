package host

import (
	"time"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/vrrp"
)

// newClock returns the instances' clock: timerfd-driven, so that a
// master-down timer fires within tens of microseconds of its deadline
// rather than the millisecond or two Go's own timers may add; the real
// clock if no timerfd can be had. close releases it.
func newClock() (c vrrp.Clock, close func()) {
	tc, err := netif.NewTimerfdClock()
	if err != nil {
		return vrrp.RealClock(), func() {}
	}
	return timerfdClock{tc}, func() { tc.Close() }
}

// timerfdClock adapts netif.TimerfdClock to vrrp.Clock.
type timerfdClock struct{ c *netif.TimerfdClock }

func (t timerfdClock) Now() time.Time { return t.c.Now() }

func (t timerfdClock) AfterFunc(d time.Duration, f func()) vrrp.ClockTimer {
	return timerfdTimer{t: t.c.AfterFunc(d, f)}
}

func (t timerfdClock) NewTimer(d time.Duration) vrrp.ClockTimer {
	ch := make(chan time.Time, 1)
	send := func() {
		select {
		case ch <- time.Now():
		default: // a fire not received yet: never block the clock
		}
	}
	return timerfdTimer{t: t.c.AfterFunc(d, send), ch: ch}
}

type timerfdTimer struct {
	t  *netif.TimerfdTimer
	ch chan time.Time // NewTimer's; nil for AfterFunc's
}

func (t timerfdTimer) C() <-chan time.Time { return t.ch }
func (t timerfdTimer) Stop() bool          { return t.t.Stop() }

func (t timerfdTimer) Reset(d time.Duration) bool {
	if t.ch != nil {
		// NewTimer's: drain a fire not received, as time.Timer does.
		select {
		case <-t.ch:
		default:
		}
	}
	return t.t.Reset(d)
}
