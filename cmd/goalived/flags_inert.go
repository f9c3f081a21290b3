package main

import "github.com/spf13/pflag"

// inertOption is a keepalived option that goalived accepts and does not
// act on.
type inertOption struct {
	flag string // long name in the flag set
	// set reports whether the command line used the option; nil for the
	// options goalived needs nothing for, which do not warn.
	set func(o *options) bool
	why string
}

// inertOptions are the options of keepalived's other subsystems and
// processes. Those with set warn once at start; goalived(8) lists them all
// with why.
var inertOptions = []inertOption{
	{"check", func(o *options) bool { return o.checkOnly }, "goalived has no health-checker (LVS) subsystem; running VRRP"},
	{"snmp", func(o *options) bool { return o.snmp }, "SNMP is not supported by goalived"},
	{"snmp-agent-socket", func(o *options) bool { return o.snmpSocket != "" }, "SNMP is not supported by goalived"},
	{"genhash", func(o *options) bool { return o.genhash }, "genhash is not part of goalived"},
	{"dont-release-ipvs", func(o *options) bool { return o.dontReleaseIPVS }, "goalived has no IPVS subsystem"},
	{"namespace", func(o *options) bool { return o.namespace != "" }, "run goalived with 'ip netns exec NAME' instead"},
	{"address-monitoring", func(o *options) bool { return o.addrMonitoring }, "not implemented; ignored"},
	{"dump-conf", func(o *options) bool { return o.dumpConf }, "use 'goalived -t --dump-config=json' instead"},
	{"core-dump", func(o *options) bool { return o.coreDump }, "not implemented; set the core limit with ulimit or the unit's LimitCORE="},
	{"core-dump-pattern", func(o *options) bool { return o.corePattern != "" || o.corePatternGiven }, "not implemented; set kernel.core_pattern yourself"},
	{"no_bfd", nil, "goalived has no BFD subsystem"},
	{"all", nil, "goalived is one process that always runs VRRP"},
	{"dont-respawn", nil, "goalived is one process: there is no child to respawn"},
	{"release-vips", nil, "goalived always releases the addresses when an instance leaves MASTER"},
	{"checkers_pid", nil, "goalived has no checker process"},
	{"bfd_pid", nil, "goalived has no BFD process"},
}

// optionNames is how messages name an option: "-C/--check", "--all".
func optionNames(f *pflag.Flag) string {
	if f.Shorthand == "" {
		return "--" + f.Name
	}
	return "-" + f.Shorthand + "/--" + f.Name
}
