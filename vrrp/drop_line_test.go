package vrrp

import (
	"errors"
	"testing"
	"time"
)

// TestDropKeepalivedLine: a dropped advert carries the line keepalived
// 2.2.7 logs for it (vrrp_check_packet), which the daemon writes.
func TestDropKeepalivedLine(t *testing.T) {
	v3 := func(c *Config) { c.Version = 3; c.AuthType = AuthNone; c.AuthPass = [8]byte{} }
	tests := []struct {
		name string
		cfg  *Config
		pkt  Packet
		want string
	}{
		{"ttl", checkConfig(nil), peerPacket(nil, GroupIPv4, 64), "invalid TTL/HL. Received 64 and expect 255"},
		{"version", checkConfig(v3), peerPacket(nil, GroupIPv4, 255), "wrong version. Received 2 and expect 3"},
		{"password", checkConfig(nil), peerPacket(func(a *Advert) { a.AuthData[0] = 'x' }, GroupIPv4, 255),
			"received an invalid passwd!"},
		{"auth type", checkConfig(nil), peerPacket(func(a *Advert) { a.AuthType, a.AuthData = AuthNone, [8]byte{} }, GroupIPv4, 255),
			"received a 0 auth, expecting 1!"},
		{"interval", checkConfig(nil), peerPacket(func(a *Advert) { a.Interval = 3 * time.Second }, GroupIPv4, 255),
			"advertisement interval mismatch mine=1 sec rcv'd=3 sec"},
		{"multicast on a unicast instance", checkConfig(func(c *Config) { c.Unicast = true; c.Peers = []Peer{{Addr: testSrc}} }),
			peerPacket(nil, GroupIPv4, 255), "Expected unicast packet but received multicast packet"},
		{"own address (goalived's check)", checkConfig(nil),
			func() Packet { p := peerPacket(nil, GroupIPv4, 255); p.Src = testSelf; return p }(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ah ahCounter
			_, _, err := check(tt.pkt, tt.cfg, &ah)
			var d *DropError
			if !errors.As(err, &d) {
				t.Fatalf("check: %v, want a drop", err)
			}
			if d.Keepalived != tt.want {
				t.Errorf("keepalived's line %q, want %q (drop %v)", d.Keepalived, tt.want, d)
			}
		})
	}
}
