package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// netFault is a network fault made with nftables inside the hosts'
// namespaces (never the root namespace): one table of the benchmark's
// own, so that the daemons' tables are left alone, added to every host
// at the fault and deleted at the heal. The input hook drops before the
// daemons' raw sockets see the packets.
type netFault struct {
	bn    *bench
	dir   string
	rules map[string]string // host role -> rules of the input chain
}

const faultTable = "gl_bench_fault"

// partitionFault drops every IPv4 packet a and b send each other: each
// stops hearing the other, the client still reaches both.
func (bn *bench) partitionFault(dir string) netFault {
	return netFault{bn: bn, dir: dir, rules: map[string]string{
		"a": fmt.Sprintf("ip saddr %v drop", bn.b.Addr4),
		"b": fmt.Sprintf("ip saddr %v drop", bn.a.Addr4),
	}}
}

// lossFault drops pct percent of the VRRP packets each host receives,
// at random (numgen; the kernel has no netem).
func (bn *bench) lossFault(dir string, pct int) netFault {
	r := fmt.Sprintf("ip protocol vrrp numgen random mod 100 < %d drop", pct)
	return netFault{bn: bn, dir: dir, rules: map[string]string{"a": r, "b": r}}
}

// apply installs the table in every host.
func (f netFault) apply() error {
	for _, role := range []string{"a", "b"} {
		path := filepath.Join(f.dir, "fault-"+role+".nft")
		text := fmt.Sprintf("table inet %s {\n\tchain input {\n\t\ttype filter hook input priority -300; policy accept;\n\t\t%s\n\t}\n}\n",
			faultTable, f.rules[role])
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if _, err := f.bn.lab.Run(role, "nft", "-f", path); err != nil {
			return fmt.Errorf("install the fault's rules in %s: %w", role, err)
		}
	}
	return nil
}

// heal deletes the table from every host where it is.
func (f netFault) heal() error { return f.bn.clearNetFaults() }

// clearNetFaults deletes the fault table from a and b wherever it is:
// adding it first makes the deletion succeed either way, so that a heal
// can be tried again after one that failed halfway.
func (bn *bench) clearNetFaults() error {
	var first error
	for _, role := range []string{"a", "b"} {
		cmd := fmt.Sprintf("add table inet %s; delete table inet %s", faultTable, faultTable)
		if _, err := bn.lab.Run(role, "nft", cmd); err != nil && first == nil {
			first = fmt.Errorf("remove the fault's rules in %s: %w", role, err)
		}
	}
	return first
}
