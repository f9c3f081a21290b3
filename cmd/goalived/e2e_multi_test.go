package main

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

// TestIntegrationActiveActive runs four instances per router on one
// interface: two IPv4 and two IPv6, where each family reuses the same two
// VRIDs (keepalived allows that: the families have separate sockets) and
// each router is master of one VRID per family. The engine must demux by
// family and VRID: a graceful exit moves only the exiting router's VIPs,
// and its restart takes back exactly those.
func TestIntegrationActiveActive(t *testing.T) {
	t.Parallel()
	l := newTestlab(t, 2)
	pairs := [][2]string{{goalivedKind, goalivedKind}, {goalivedKind, keepalivedKind}}
	for k, kinds := range pairs {
		t.Run(kinds[0]+"-"+kinds[1], func(t *testing.T) {
			for _, kind := range kinds {
				if kind == keepalivedKind {
					keepalivedBinary(t)
				}
			}
			confs, vips, owners := activeActiveConfs(t, l, 150+2*k, 240+4*k)
			n0 := l.start(t, 0, kinds[0], confs[0])
			l.start(t, 1, kinds[1], confs[1])
			base := confs[0]
			for v, vip := range vips {
				l.waitHolder(t, vip, owners[v], base.masterDown(t, 100)+startMargin)
			}
			for v, vip := range vips {
				l.steadyHolder(t, vip, owners[v], 500*time.Millisecond)
			}
			if n0.kind == goalivedKind {
				for v, name := range []string{"VI_1", "VI_2", "VI_3", "VI_4"} {
					want := map[int]string{0: "MASTER", 1: "BACKUP"}[owners[v]]
					if got := n0.instState(t, name); got != want {
						t.Errorf("router 0 instance %s: status %s, want %s", name, got, want)
					}
				}
			}

			n0.term(t)
			for _, vip := range vips {
				l.waitHolder(t, vip, 1, base.skew(t, 100)+takeoverMargin)
			}
			n0.waitExit(t)
			l.clientReaches(t, vips[0], 1)
			l.clientReaches(t, vips[2], 1)

			n0.run(t)
			for v, vip := range vips {
				l.waitHolder(t, vip, owners[v], base.masterDown(t, 150)+startMargin)
			}
			for v, vip := range vips {
				l.steadyHolder(t, vip, owners[v], 500*time.Millisecond)
				l.clientReaches(t, vip, owners[v])
			}
		})
	}
}

// activeActiveConfs builds both routers' files: VI_1 (IPv4) and VI_3
// (IPv6) on VRID vrid with router 0 preferred, VI_2 (IPv4) and VI_4
// (IPv6) on vrid+1 with router 1 preferred; VIPs count up from
// 192.0.2.host / 2001:db8::host.
func activeActiveConfs(t *testing.T, l *testlab, vrid, host int) (map[int]vrrpConf, []netip.Addr, []int) {
	t.Helper()
	type inst struct {
		vip   string
		vrid  int
		prios []int
		owner int
	}
	insts := []inst{
		{fmt.Sprintf("192.0.2.%d", host), vrid, []int{150, 100}, 0},
		{fmt.Sprintf("192.0.2.%d", host+1), vrid + 1, []int{100, 150}, 1},
		{fmt.Sprintf("2001:db8::%d/64", host+2), vrid, []int{150, 100}, 0},
		{fmt.Sprintf("2001:db8::%d/64", host+3), vrid + 1, []int{100, 150}, 1},
	}
	out := map[int]vrrpConf{}
	var vips []netip.Addr
	var owners []int
	for k, in := range insts {
		base := vrrpConf{Name: fmt.Sprintf("VI_%d", k+1), State: "BACKUP", VRID: in.vrid, Version: 3, AdvertInt: "0.2", VIP: in.vip}
		vips, owners = append(vips, base.vip(t)), append(owners, in.owner)
		for h, c := range l.confs(t, base, false, []int{0, 1}, in.prios) {
			if k == 0 {
				out[h] = c
				continue
			}
			main := out[h]
			main.Also = append(main.Also, c)
			out[h] = main
		}
	}
	return out, vips, owners
}
