package parser

import "sort"

// Support says what goalived does with a keyword keepalived 2.2.7 knows.
type Support int

const (
	// Implemented keywords are acted on with keepalived's semantics.
	Implemented Support = iota
	// NotYet keywords are read into the model, but the daemon does not act
	// on them yet: -t warns "... not supported by goalived yet".
	NotYet
	// OutOfScope keywords belong to what goalived leaves out (LVS, e-mail,
	// SNMP, VMAC, ...): -t warns "... not supported by goalived" and the
	// line, with its block, is ignored.
	OutOfScope
)

func (s Support) String() string {
	switch s {
	case Implemented:
		return "implemented"
	case NotYet:
		return "not yet"
	case OutOfScope:
		return "out of scope"
	}
	return "unknown"
}

// Keyword is one entry of the keyword tables, as the manual lists it.
type Keyword struct {
	Block   string // "top level", "global_defs", "vrrp_instance", "authentication", ...
	Name    string
	Support Support
}

// Keywords lists every keyword of every block's table, the blocks in the
// order a keepalived.conf usually has them and the keywords of a block
// sorted, so that goalived.conf(5) is written from the same tables that
// read the file. The keywords of address, route and rule lines
// (virtual_ipaddress entries and the like) are not in a table and are not
// listed.
func Keywords() []Keyword {
	var out []Keyword
	for _, l := range []func() []Keyword{
		topTable.list, globalTable.list, scriptTable.list, instanceTable.list, authTable.list,
		syncGroupTable.list, trackFileTable.list, trackProcessTable.list, trackGroupTable.list,
	} {
		out = append(out, l()...)
	}
	return out
}

// list returns the table's keywords with what goalived does with each.
func (t *table[T]) list() []Keyword {
	support := map[string]Support{}
	for k := range t.handlers {
		support[k] = Implemented
	}
	for _, k := range t.unsupported {
		support[k] = OutOfScope
	}
	for _, k := range notYetKeywords(t.block) {
		support[k] = NotYet
	}
	out := make([]Keyword, 0, len(support))
	for k, s := range support {
		out = append(out, Keyword{Block: t.block, Name: k, Support: s})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
