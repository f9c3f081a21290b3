package parser

import (
	"testing"
	"time"

	"github.com/goalived/goalived/config"
)

// TestGARPLowerPrioDefaults follows keepalived 2.2.7: an instance's
// lower-priority delay and repeat come from global_defs (written there,
// else the global master values), whatever the instance's own
// garp_master_delay/repeat say, and are 0 in strict mode.
func TestGARPLowerPrioDefaults(t *testing.T) {
	lower := get(func(in *config.Instance) any {
		return [2]any{in.GARP.LowerPrioDelay, in.GARP.LowerPrioRepeat}
	})
	cases := []kwCase{
		{name: "instance master values only", src: instanceConf("garp_master_delay 10\ngarp_master_repeat 2"), get: lower, want: [2]any{5 * time.Second, 5}},
		{name: "global master values", src: globalConf("vrrp_garp_master_delay 3\nvrrp_garp_master_repeat 4") + instanceConf("garp_master_delay 10"),
			get: lower, want: [2]any{3 * time.Second, 4}},
		{name: "global lower values", src: globalConf("vrrp_garp_lower_prio_delay 7\nvrrp_garp_lower_prio_repeat 1") + instanceConf("garp_master_delay 10"),
			get: lower, want: [2]any{7 * time.Second, 1}},
		{name: "instance lower values", src: instanceConf("garp_master_delay 10\ngarp_lower_prio_delay 2\ngarp_lower_prio_repeat 3"), get: lower, want: [2]any{2 * time.Second, 3}},
		{name: "strict mode", src: instanceConf("strict_mode\nvirtual_ipaddress {\n192.0.2.1\n}"), get: lower, want: [2]any{time.Duration(0), 0}},
	}
	runCases(t, cases)
}
