package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/vrrp"
)

// TestStatusTransitionsByReason: each reason is counted apart, in any
// order.
func TestStatusTransitionsByReason(t *testing.T) {
	c := &statusCell{}
	if diff := cmp.Diff(map[string]uint64{}, c.transitionsByReason()); diff != "" {
		t.Errorf("before any transition (-want +got):\n%s", diff)
	}
	for _, r := range []vrrp.Reason{vrrp.ReasonStart, vrrp.ReasonMasterDown, vrrp.ReasonStart, vrrp.ReasonHigherPriority, vrrp.ReasonMasterDown, vrrp.ReasonMasterDown} {
		c.mu.Lock()
		c.count(r)
		c.mu.Unlock()
	}
	want := map[string]uint64{
		vrrp.ReasonStart.String():          2,
		vrrp.ReasonMasterDown.String():     3,
		vrrp.ReasonHigherPriority.String(): 1,
	}
	if diff := cmp.Diff(want, c.transitionsByReason()); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}
