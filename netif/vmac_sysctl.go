package netif

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// procSys reads and writes sysctls under root ("/proc/sys", which
// follows the calling thread's network namespace; tests use a directory).
type procSys struct{ root string }

func (p procSys) get(rel string) (int, error) {
	b, err := os.ReadFile(filepath.Join(p.root, rel))
	if err != nil {
		return 0, fmt.Errorf("read sysctl %s: %w", rel, err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("read sysctl %s: %w", rel, err)
	}
	return n, nil
}

func (p procSys) set(rel string, v int) error {
	if err := os.WriteFile(filepath.Join(p.root, rel), []byte(strconv.Itoa(v)), 0o644); err != nil {
		return fmt.Errorf("set sysctl %s=%d: %w", rel, v, err)
	}
	return nil
}

func conf4(ifname, key string) string { return "net/ipv4/conf/" + ifname + "/" + key }
func conf6(ifname, key string) string { return "net/ipv6/conf/" + ifname + "/" + key }

// vmacSysctls makes the kernel settings keepalived 2.2.7 makes for IPv4
// VMACs (vrrp_if_config.c), observed in a namespace:
//
//   - on the VMAC: arp_ignore=1 (answer ARP only for its own addresses,
//     the VIPs), accept_local=1 and rp_filter=0 (accept packets from the
//     host's own addresses that arrive on it: the base and the VMAC share
//     a segment), promote_secondaries=1;
//   - on the base interface: arp_ignore=1 and arp_filter=1, so that the
//     base never answers ARP for the VIPs with its own MAC;
//   - rp_filter=0 on the VMAC only works with all.rp_filter=0: when it is
//     not, default.rp_filter and every interface are first raised to
//     all's value (so nothing else changes), then all is set to 0.
//
// keepalived puts rp_filter back at stop. It means to put the base's
// arp_ignore and arp_filter back when its last VMAC goes, but 2.2.7
// leaves them at 1 (it reads the values back after setting them):
// goalived restores the originals, a documented difference.
type vmacSysctls struct {
	sys   procSys
	bases map[string]*baseARP
	rp    *rpSaved // nil while rp_filter is untouched
}

type baseARP struct {
	refs                 int
	arpIgnore, arpFilter int
}

type rpSaved struct {
	all     int
	dflt    int // -1: default.rp_filter untouched
	ifaces  map[string]int
	cleared bool
}

func newVMACSysctls(root string) *vmacSysctls {
	return &vmacSysctls{sys: procSys{root}, bases: map[string]*baseARP{}}
}

// vmac sets an IPv4 VMAC's own settings.
func (s *vmacSysctls) vmac(name string) error {
	for _, kv := range []struct {
		key string
		v   int
	}{{"arp_ignore", 1}, {"accept_local", 1}, {"rp_filter", 0}, {"promote_secondaries", 1}} {
		if err := s.sys.set(conf4(name, kv.key), kv.v); err != nil {
			return err
		}
	}
	return nil
}

// acquireBase sets the base's ARP settings for one more IPv4 VMAC.
func (s *vmacSysctls) acquireBase(base string) error {
	if b, ok := s.bases[base]; ok {
		b.refs++
		return nil
	}
	ign, err := s.sys.get(conf4(base, "arp_ignore"))
	if err != nil {
		return err
	}
	filt, err := s.sys.get(conf4(base, "arp_filter"))
	if err != nil {
		return err
	}
	if err := s.sys.set(conf4(base, "arp_ignore"), 1); err != nil {
		return err
	}
	if err := s.sys.set(conf4(base, "arp_filter"), 1); err != nil {
		return err
	}
	s.bases[base] = &baseARP{refs: 1, arpIgnore: ign, arpFilter: filt}
	return nil
}

// releaseBase puts the base's ARP settings back once its last IPv4 VMAC
// is gone. A base that no longer exists has nothing to restore.
func (s *vmacSysctls) releaseBase(base string) error {
	b, ok := s.bases[base]
	if !ok {
		return nil
	}
	if b.refs--; b.refs > 0 {
		return nil
	}
	delete(s.bases, base)
	if _, err := os.Stat(filepath.Join(s.sys.root, "net/ipv4/conf", base)); err != nil {
		return nil
	}
	if err := s.sys.set(conf4(base, "arp_ignore"), b.arpIgnore); err != nil {
		return err
	}
	return s.sys.set(conf4(base, "arp_filter"), b.arpFilter)
}

// clearRPFilter makes all.rp_filter 0 without loosening any interface,
// once (keepalived's clear_rp_filter).
func (s *vmacSysctls) clearRPFilter() error {
	if s.rp != nil {
		return nil
	}
	all, err := s.sys.get(conf4("all", "rp_filter"))
	if err != nil {
		return err
	}
	s.rp = &rpSaved{all: all, dflt: -1, ifaces: map[string]int{}}
	if all == 0 {
		return nil
	}
	if d, err := s.sys.get(conf4("default", "rp_filter")); err == nil && d < all {
		if err := s.sys.set(conf4("default", "rp_filter"), all); err != nil {
			return err
		}
		s.rp.dflt = d
	}
	names, err := os.ReadDir(filepath.Join(s.sys.root, "net/ipv4/conf"))
	if err != nil {
		return fmt.Errorf("list interfaces for rp_filter: %w", err)
	}
	for _, n := range names {
		name := n.Name()
		if name == "all" || name == "default" {
			continue
		}
		v, err := s.sys.get(conf4(name, "rp_filter"))
		if err != nil || v >= all {
			continue
		}
		if err := s.sys.set(conf4(name, "rp_filter"), all); err != nil {
			return err
		}
		s.rp.ifaces[name] = v
	}
	s.rp.cleared = true
	return s.sys.set(conf4("all", "rp_filter"), 0)
}

// restoreRPFilter undoes clearRPFilter where nobody changed the values
// since (keepalived's restore_rp_filter).
func (s *vmacSysctls) restoreRPFilter() error {
	r := s.rp
	s.rp = nil
	if r == nil || !r.cleared {
		return nil
	}
	if v, err := s.sys.get(conf4("all", "rp_filter")); err == nil && v == 0 {
		if err := s.sys.set(conf4("all", "rp_filter"), r.all); err != nil {
			return err
		}
	}
	if v, err := s.sys.get(conf4("default", "rp_filter")); err == nil && r.dflt >= 0 && v == r.all {
		if err := s.sys.set(conf4("default", "rp_filter"), r.dflt); err != nil {
			return err
		}
	}
	for name, orig := range r.ifaces {
		if v, err := s.sys.get(conf4(name, "rp_filter")); err == nil && v == r.all {
			if err := s.sys.set(conf4(name, "rp_filter"), orig); err != nil {
				return err
			}
		}
	}
	return nil
}

// ipv6 turns IPv6 on or off on a VMAC (keepalived: off on an IPv4 VMAC
// unless the instance has excluded IPv6 VIPs) and stops the kernel from
// making a link-local address from the virtual MAC (addr_gen_mode none,
// RFC 5798 7.4: adverts come from the router's own link-local address).
func (s *vmacSysctls) ipv6(name string, enable bool) error {
	if err := s.sys.set(conf6(name, "addr_gen_mode"), 1); err != nil {
		return err
	}
	off := 1
	if enable {
		off = 0
	}
	return s.sys.set(conf6(name, "disable_ipv6"), off)
}
