package parser

import (
	"testing"

	"github.com/goalived/goalived/config"
)

// TestGlobalRxBufs: vrrp_rx_bufs_policy and vrrp_rx_bufs_multiplier as
// keepalived 2.2.7's handlers read them.
func TestGlobalRxBufs(t *testing.T) {
	type rx struct {
		Policy      string
		Bytes, Mult int
	}
	get := func(c *config.Config) any {
		return rx{c.Global.RxBufsPolicy, c.Global.RxBufsBytes, c.Global.RxMultiplier()}
	}
	cases := []kwCase{
		{name: "defaults", src: globalConf(""), get: get, want: rx{"", 0, 3}},
		{name: "mtu", src: globalConf("vrrp_rx_bufs_policy MTU"), get: get, want: rx{config.RxBufsMTU, 0, 3}},
		{name: "advert lower case", src: globalConf("vrrp_rx_bufs_policy advert"), get: get, want: rx{config.RxBufsAdvert, 0, 3}},
		{name: "size", src: globalConf("vrrp_rx_bufs_policy 65536"), get: get, want: rx{config.RxBufsSize, 65536, 3}},
		{name: "mtu and advert", src: globalConf("vrrp_rx_bufs_policy MTU ADVERT"), get: get, want: rx{config.RxBufsMTU, 0, 3},
			diags: []string{"warning: vrrp_rx_bufs_policy: Cannot set both vrrp_rx_bufs_policy MTU and ADVERT, ignoring ADVERT"}},
		{name: "policies accumulate over lines", src: globalConf("vrrp_rx_bufs_policy ADVERT\nvrrp_rx_bufs_policy MTU"), get: get, want: rx{config.RxBufsMTU, 0, 3},
			diags: []string{"warning: vrrp_rx_bufs_policy: Cannot set both vrrp_rx_bufs_policy MTU and ADVERT, ignoring ADVERT"}},
		{name: "size wins", src: globalConf("vrrp_rx_bufs_policy 4096 MTU"), get: get, want: rx{config.RxBufsSize, 4096, 3},
			diags: []string{"warning: vrrp_rx_bufs_policy: Cannot set vrrp_rx_bufs_policy size and policy, ignoring policy"}},
		// keepalived reads the number from the first word whatever word it
		// is looking at: "MTU 4096" is an invalid policy.
		{name: "number after a policy", src: globalConf("vrrp_rx_bufs_policy MTU 4096"), get: get, want: rx{config.RxBufsMTU, 0, 3},
			diags: []string{"warning: vrrp_rx_bufs_policy: Invalid vrrp_rx_bufs_policy 4096"}},
		{name: "garbage", src: globalConf("vrrp_rx_bufs_policy BIG"), get: get, want: rx{"", 0, 3},
			diags: []string{"warning: vrrp_rx_bufs_policy: Invalid vrrp_rx_bufs_policy BIG"}},
		{name: "missing", src: globalConf("vrrp_rx_bufs_policy"), get: get, want: rx{"", 0, 3},
			diags: []string{"warning: vrrp_rx_bufs_policy: vrrp_rx_bufs_policy missing"}},
		{name: "multiplier", src: globalConf("vrrp_rx_bufs_multiplier 8"), get: get, want: rx{"", 0, 8}},
		{name: "multiplier 0", src: globalConf("vrrp_rx_bufs_multiplier 0"), get: get, want: rx{"", 0, 3},
			diags: []string{"warning: vrrp_rx_bufs_multiplier: Invalid vrrp_rx_bufs_multiplier 0"}},
		{name: "multiplier words", src: globalConf("vrrp_rx_bufs_multiplier 2 3"), get: get, want: rx{"", 0, 3},
			diags: []string{"warning: vrrp_rx_bufs_multiplier: Invalid vrrp_rx_bufs_multiplier"}},
	}
	runCases(t, cases)
}
