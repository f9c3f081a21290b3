package engine

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"
	"testing"

	"github.com/goalived/goalived/vrrp"
)

func TestSendErrorLine(t *testing.T) {
	group := netip.MustParseAddr("224.0.0.18")
	peer := netip.MustParseAddr("192.0.2.2")
	wrapped := func(e error) error { return fmt.Errorf("write vrrp packet to %v on eth0: %w", group, e) }
	for _, tc := range []struct {
		se   vrrp.SendError
		line string
		ok   bool
	}{
		{vrrp.SendError{Dst: group, Priority: 100, Err: wrapped(syscall.EAGAIN)},
			"(VI_1): send advert error 11 (Resource temporarily unavailable)", true},
		{vrrp.SendError{Dst: peer, Unicast: true, Priority: 100, Err: wrapped(syscall.ENOBUFS)},
			"(VI_1) Cant send advert to 192.0.2.2 (No buffer space available)", true},
		{vrrp.SendError{Dst: group, Priority: 0, Err: wrapped(syscall.ENETUNREACH)}, "", true},
		{vrrp.SendError{Dst: group, Priority: 100, Err: wrapped(syscall.ENETUNREACH)},
			"(VI_1): send advert error 101 (Network is unreachable)", true},
		{vrrp.SendError{Dst: group, Priority: 100, Err: errors.New("interface eth9 does not exist (dynamic_interfaces)")}, "", false},
	} {
		line, ok := sendErrorLine("VI_1", &tc.se)
		if line != tc.line || ok != tc.ok {
			t.Errorf("%v: got %q, %v; want %q, %v", tc.se.Err, line, ok, tc.line, tc.ok)
		}
	}
}
