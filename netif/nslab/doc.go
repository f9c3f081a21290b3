// Package nslab builds throw-away network laboratories out of Linux network
// namespaces. It is the one lab of the project: the failover demo and the
// benchmarks use it directly, the tests through netif/nstest, which binds
// it to testing.TB and adds the daemon harness.
//
// A Lab is one Ethernet segment: a "switch" namespace holding a Linux
// bridge br0 (multicast snooping off, so 224.0.0.18 and ff02::12 are
// always flooded as on a dumb switch) and one namespace per named host,
// each connected to the bridge by a veth pair whose host end is eth0 and
// whose switch end is p<i>. Host i gets 192.0.2.(11+i)/24 and
// 2001:db8::(11+i)/64 (documentation ranges; DAD is off in the host
// namespaces, so its addresses, the link-local one too, are usable at
// once) and the locally administered MAC 02:00:5e:47:4c:(i+1). New
// returns once every eth0 has carrier and a link-local address. Taking a
// switch port down (SetPort) is a cable cut: the host's eth0 loses
// carrier too.
//
// Namespace names are "gl-<prefix>-<8 hex>-<role>" so parallel runs (and
// parallel tests) never collide. Close stops every process started with
// Start (SIGTERM, then SIGKILL to its process group; only by pid) and
// deletes the namespaces; it is idempotent and safe to call from a signal
// handler's goroutine while the lab is in use. The root namespace is
// never modified.
package nslab
