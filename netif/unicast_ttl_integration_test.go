package netif_test

import (
	"testing"
	"time"

	"github.com/goalived/goalived/netif"
	"github.com/goalived/goalived/netif/nstest"
)

// TestIntegrationUnicastTTL: unicast_ttl sets the TTL / hop limit of
// unicast adverts; -1 (IPv6 without unicast_ttl, as keepalived) leaves it
// to the kernel (64 here); the default stays 255.
func TestIntegrationUnicastTTL(t *testing.T) {
	lab := nstest.New(t, nstest.Hosts(2))
	for _, tc := range []struct {
		name string
		ttl  int
		want uint8
		v6   bool
	}{
		{"ipv4 default", 0, 255, false},
		{"ipv4 unicast_ttl 7", 7, 7, false},
		{"ipv6 unicast_ttl 9", 9, 9, true},
		{"ipv6 kernel default", -1, 64, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, dst := lab.Host(0).Addr4, lab.Host(1).Addr4
			if tc.v6 {
				src, dst = lab.Host(0).Addr6, lab.Host(1).Addr6
			}
			a := listenIn(t, lab, 0, netif.Config{Ifname: "eth0", Unicast: true, UnicastSrc: src, UnicastTTL: tc.ttl, RcvBuf: 1 << 16})
			b := listenIn(t, lab, 1, netif.Config{Ifname: "eth0", Unicast: true, UnicastSrc: dst})
			if err := a.WritePacket(append([]byte(nil), advert...), dst); err != nil {
				t.Fatal(err)
			}
			got, err := readOne(t, b, 3*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if got.TTL != tc.want {
				t.Errorf("received TTL %d, want %d", got.TTL, tc.want)
			}
		})
	}
}
