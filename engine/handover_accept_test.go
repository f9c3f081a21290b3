package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
	"github.com/goalived/goalived/vrrp/vrrptest"
)

// TestHandoverRefusesFirewallAndVMACs: the State does not carry the
// nftables table and the VMACs yet, so neither side of a hot upgrade
// takes a configuration with no_accept or use_vmac: the new engine's
// Prepare and the old engine's Freeze refuse it, and the running engine
// goes on as it was.
func TestHandoverRefusesFirewallAndVMACs(t *testing.T) {
	for _, extra := range []string{"no_accept", "use_vmac"} {
		t.Run(extra, func(t *testing.T) {
			onSegment(t, func(t *testing.T, seg *vrrptest.Segment) {
				a := newNode(t, seg, "192.0.2.1/24")
				conf := instance("VI_1", 51, 150, "192.0.2.100/24", extra)
				a.start(conf, engine.Options{})
				wait(5 * time.Second)
				next := engine.New(load(t, conf), a.host.Engine(), engine.Options{})
				if err := next.Prepare(); err == nil || !strings.Contains(err.Error(), "does not hand over") {
					t.Errorf("Prepare: %v, want a refusal", err)
				}
				next.Abandon()
				if _, err := a.eng.Freeze(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "does not hand over") {
					t.Errorf("Freeze: %v, want a refusal", err)
				}
				wait(2 * time.Second)
				a.wantState("VI_1", vrrp.StateMaster)
			})
		})
	}
}
