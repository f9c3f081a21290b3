package netif

import (
	"maps"
	"slices"
)

// A hot upgrade hands the VMACs from one goalived process to the next:
// the old process leaves its macvlans up with their addresses and the
// kernel settings it changed; the new one adopts them (AdoptVMACs) with
// what it must put back when they go, so that its Ensure finds each one
// in place and keeps it instead of making it again, and its Close
// deletes them and restores the settings as the old process would have.

// VMACsSaved is what a VMACs made and changed, as a hot upgrade carries
// it between processes (encoding/json).
type VMACsSaved struct {
	VMACs []VMAC `json:"vmacs"`
	// Bases are the base interfaces' ARP settings before their IPv4
	// VMACs, and how many they carry.
	Bases map[string]SavedBaseARP `json:"bases,omitempty"`
	// RPFilter is rp_filter before the first IPv4 VMAC cleared it; nil
	// while untouched.
	RPFilter *SavedRPFilter `json:"rp_filter,omitempty"`
}

// SavedBaseARP is a base interface's arp_ignore and arp_filter before
// its first IPv4 VMAC, and the number of its IPv4 VMACs.
type SavedBaseARP struct {
	VMACs     int `json:"vmacs"`
	ARPIgnore int `json:"arp_ignore"`
	ARPFilter int `json:"arp_filter"`
}

// SavedRPFilter is rp_filter before it was cleared for the VMACs:
// all's, default's (-1: untouched) and the interfaces' that were raised.
type SavedRPFilter struct {
	All        int            `json:"all"`
	Default    int            `json:"default"`
	Interfaces map[string]int `json:"interfaces,omitempty"`
	Cleared    bool           `json:"cleared,omitempty"`
}

// Saved returns the VMACs it has and the settings to put back, for the
// process that takes over.
func (m *VMACs) Saved() VMACsSaved {
	m.mu.Lock()
	defer m.mu.Unlock()
	var s VMACsSaved
	for _, name := range slices.Sorted(maps.Keys(m.ours)) {
		s.VMACs = append(s.VMACs, m.ours[name])
	}
	if len(m.sysctls.bases) > 0 {
		s.Bases = map[string]SavedBaseARP{}
		for name, b := range m.sysctls.bases {
			s.Bases[name] = SavedBaseARP{VMACs: b.refs, ARPIgnore: b.arpIgnore, ARPFilter: b.arpFilter}
		}
	}
	if r := m.sysctls.rp; r != nil {
		s.RPFilter = &SavedRPFilter{All: r.all, Default: r.dflt, Interfaces: maps.Clone(r.ifaces), Cleared: r.cleared}
	}
	return s
}

// AdoptVMACs opens a VMACs that carries on from s: its VMACs are taken
// as its own (Ensure keeps them as they are, Remove and Close delete
// them) and the settings it restores are those saved.
func AdoptVMACs(s VMACsSaved) (*VMACs, error) {
	m, err := OpenVMACs()
	if err != nil {
		return nil, err
	}
	for _, v := range s.VMACs {
		m.ours[v.Name] = v
	}
	for name, b := range s.Bases {
		m.sysctls.bases[name] = &baseARP{refs: b.VMACs, arpIgnore: b.ARPIgnore, arpFilter: b.ARPFilter}
	}
	if r := s.RPFilter; r != nil {
		ifaces := maps.Clone(r.Interfaces)
		if ifaces == nil {
			ifaces = map[string]int{}
		}
		m.sysctls.rp = &rpSaved{all: r.All, dflt: r.Default, ifaces: ifaces, cleared: r.Cleared}
	}
	return m, nil
}
