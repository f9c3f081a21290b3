package engine_test

import (
	"testing"
	"time"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// TestFailover: the higher priority router becomes master and holds the
// VIP; when its link goes down it is in FAULT and the other takes over
// within the master-down interval; when the link comes back it preempts.
func TestFailover(t *testing.T) {
	onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
		a := newNode(t, seg, "192.0.2.1/24")
		b := newNode(t, seg, "192.0.2.2/24")
		a.start(instance("VI_1", 51, 150, "192.0.2.100/32"), engine.Options{})
		b.start(instance("VI_1", 51, 100, "192.0.2.100/32"), engine.Options{})
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		b.wantState("VI_1", vrrp.StateBackup)
		holds("192.0.2.100/32", a, b)

		a.host.SetLink("eth0", false)
		wait(4 * time.Second)
		a.wantState("VI_1", vrrp.StateFault)
		b.wantState("VI_1", vrrp.StateMaster)
		holds("192.0.2.100/32", b, a)

		a.host.SetLink("eth0", true)
		wait(5 * time.Second)
		a.wantState("VI_1", vrrp.StateMaster)
		b.wantState("VI_1", vrrp.StateBackup)
		holds("192.0.2.100/32", a, b)
	})
}

// TestPreemption: a higher priority router that comes up later takes
// over (preempt, the default); with nopreempt it stays backup; with
// preempt_delay it takes over only once the delay has passed since it
// started.
func TestPreemption(t *testing.T) {
	tests := []struct {
		name  string
		extra []string
		// after is how long after A's start it is checked; wantMaster
		// says whether A is master then.
		after      time.Duration
		wantMaster bool
	}{
		{name: "preempt", after: 5 * time.Second, wantMaster: true},
		{name: "nopreempt", extra: []string{"state BACKUP", "nopreempt"}, after: 30 * time.Second},
		{name: "preempt_delay not yet", extra: []string{"state BACKUP", "preempt_delay 20"}, after: 15 * time.Second},
		{name: "preempt_delay passed", extra: []string{"state BACKUP", "preempt_delay 20"}, after: 25 * time.Second, wantMaster: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
				a := newNode(t, seg, "192.0.2.1/24")
				b := newNode(t, seg, "192.0.2.2/24")
				b.start(instance("VI_1", 51, 100, "192.0.2.100/32"), engine.Options{})
				wait(5 * time.Second)
				b.wantState("VI_1", vrrp.StateMaster)
				a.start(instance("VI_1", 51, 150, "192.0.2.100/32", tc.extra...), engine.Options{})
				wait(tc.after)
				want := vrrp.StateBackup
				if tc.wantMaster {
					want = vrrp.StateMaster
				}
				a.wantState("VI_1", want)
				a.wantAddr("192.0.2.100/32", tc.wantMaster)
				b.wantAddr("192.0.2.100/32", !tc.wantMaster)
			})
		})
	}
}
