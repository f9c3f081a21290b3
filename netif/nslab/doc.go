// Package nslab builds throw-away network laboratories out of Linux network
// namespaces for goalived's programs (the failover demo and the benchmark);
// netif/nstest is the same idea bound to testing.TB for the test suites.
//
// A Lab is one Ethernet segment: a "switch" namespace holding a Linux
// bridge br0 (multicast snooping off, so 224.0.0.18 is always flooded as on
// a dumb switch) and one namespace per named host, each connected to the
// bridge by a veth pair whose host end is eth0 and whose switch end is
// p<i>. Host i gets 192.0.2.(11+i)/24 (RFC 5737 documentation range) and the
// locally administered MAC 02:00:5e:47:4d:(i+1). Taking a switch port down
// (SetPort) is a cable cut: the host's eth0 loses carrier too.
//
// Namespace names are "gl-<prefix>-<8 hex>-<role>" so parallel runs never
// collide. Close stops every process started with Start (SIGTERM, then
// SIGKILL to its process group; only by pid) and deletes the namespaces;
// it is idempotent and safe to call from a signal handler's goroutine while
// the lab is in use. The root namespace is never modified.
package nslab
