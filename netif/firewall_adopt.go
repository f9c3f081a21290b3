package netif

import (
	"fmt"
	"slices"

	"github.com/google/nftables"
)

// A hot upgrade hands the table from one goalived process to the next
// without a moment in which a VIP is accepted that was blocked, or the
// other way round. The old process leaves its table in place; the new
// one adopts it (AdoptFirewall) instead of deleting it as a stale table:
// it reads what the kernel holds, keeps all of it while its instances
// declare what they block, and only drops what none declared once the
// old process has gone (Reconcile).

// AdoptFirewall opens the table cfg names as another process left it:
// nothing is deleted. Until Reconcile, what the kernel held at adoption
// stays in force beside what the owners declare, so the declarations
// can come one by one without lifting the others' rules meanwhile.
func AdoptFirewall(cfg FirewallConfig) (*Firewall, error) {
	f, err := newFirewall(cfg)
	if err != nil {
		return nil, err
	}
	if err := f.readKernelLocked(); err != nil {
		f.conn.CloseLasting()
		return nil, fmt.Errorf("adopt nftables table %s: %w", cfg.table(), err)
	}
	f.leftover = f.elems
	return f, nil
}

// Reconcile brings the kernel's table exactly in line with what the
// owners declare now: it reads the table again (the old process may
// have changed it since the adoption) and drops every element no owner
// declared. The engine calls it once the process it took over from has
// exited.
func (f *Firewall) Reconcile() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return fmt.Errorf("reconcile nftables table %s: %w", f.cfg.table(), errClosedFirewall)
	}
	if err := f.readKernelLocked(); err != nil {
		return fmt.Errorf("reconcile nftables table %s: %w", f.cfg.table(), err)
	}
	f.leftover = [2][]fwElem{}
	return f.applyLocked()
}

// wantedLocked are the elements of one family the table must hold: the
// owners' declarations and, until Reconcile, what was adopted.
func (f *Firewall) wantedLocked(v6 bool) []fwElem {
	want := f.state.elements(v6)
	i := 0
	if v6 {
		i = 1
	}
	if len(f.leftover[i]) == 0 {
		return want
	}
	want = append(want, f.leftover[i]...)
	slices.SortFunc(want, compareElem)
	return slices.Compact(want)
}

// fwSetFeature tells which part of the table a set belongs to; the
// neighbour discovery set is constant and not read back.
var fwSetFeature = map[string]func(*fwFeatures){
	setVIPs:    func(f *fwFeatures) { f.vips = true },
	setLLName:  func(f *fwFeatures) { f.llName = true },
	setLLIndex: func(f *fwFeatures) { f.llIndex = true },
	setVMACMap: func(f *fwFeatures) { f.vmac = true },
	setVMACSet: func(f *fwFeatures) { f.vmac = true },
}

// readKernelLocked sets installed and elems to what the kernel's table
// holds in each family.
func (f *Firewall) readKernelLocked() error {
	for i, fam := range []nftables.TableFamily{nftables.TableFamilyIPv4, nftables.TableFamilyIPv6} {
		feat, elems, err := f.readFamily(fam)
		if err != nil {
			return err
		}
		f.installed[i], f.elems[i] = feat, elems
	}
	return nil
}

func (f *Firewall) readFamily(fam nftables.TableFamily) (fwFeatures, []fwElem, error) {
	var feat fwFeatures
	ts, err := f.conn.ListTablesOfFamily(fam)
	if err != nil {
		return feat, nil, fmt.Errorf("list tables: %w", err)
	}
	i := slices.IndexFunc(ts, func(t *nftables.Table) bool { return t.Name == f.cfg.table() })
	if i < 0 {
		return feat, nil, nil
	}
	sets, err := f.conn.GetSets(ts[i])
	if err != nil {
		return feat, nil, fmt.Errorf("list sets: %w", err)
	}
	var elems []fwElem
	for _, s := range sets {
		mark, ok := fwSetFeature[s.Name]
		if !ok {
			continue
		}
		mark(&feat)
		got, err := f.conn.GetSetElements(s)
		if err != nil {
			return feat, nil, fmt.Errorf("list set %s: %w", s.Name, err)
		}
		for _, e := range got {
			elems = append(elems, fwElem{set: s.Name, key: string(e.Key), val: string(e.Val)})
		}
	}
	if !feat.any() {
		// A table of the name without any of our sets blocks nothing
		// and is not ours to add to: it goes, as at start.
		f.conn.DelTable(ts[i])
		if err := f.conn.Flush(); err != nil {
			return feat, nil, fmt.Errorf("delete table without sets: %w", err)
		}
		return feat, nil, nil
	}
	slices.SortFunc(elems, compareElem)
	return feat, slices.Compact(elems), nil
}

// elemFeature is the part of the table an element's set belongs to.
func elemFeature(e fwElem) fwFeatures {
	var feat fwFeatures
	if mark, ok := fwSetFeature[e.set]; ok {
		mark(&feat)
	}
	return feat
}
