// Package nstest builds throw-away network laboratories out of Linux network
// namespaces for goalived's root-only integration tests.
//
// A Lab is one Ethernet segment: a "switch" namespace holding a Linux bridge
// (multicast snooping off, so 224.0.0.18 and ff02::12 are always flooded, as
// on a dumb switch) and N host namespaces, each connected to the bridge by a
// veth pair whose host end is called eth0. Host i gets 192.0.2.(11+i)/24 and
// 2001:db8::(11+i)/64 (added with nodad; DAD is also disabled in the host
// namespace so the link-local address is usable at once) and a fixed,
// locally administered MAC address 02:00:5e:47:4c:(i+1).
//
//	lab := nstest.New(t, nstest.Hosts(2))
//	a, b := lab.Host(0), lab.Host(1)
//	lab.Exec(0, "ip", "addr", "show", "dev", a.Ifname)
//	lab.Do(1, func() { conn, err = netif.Listen(...) }) // socket lives in b's namespace
//
// Everything is removed with t.Cleanup, also when the test fails: processes
// started with Lab.Start are killed by pid (never by name) and waited for,
// then the namespaces are deleted, which destroys their links. New skips the
// test when not run as root.
//
// Namespace names are "gl-<8 hex>-<role>" so that parallel tests and
// parallel engineers never collide, and only documentation address ranges
// (RFC 5737 192.0.2.0/24, RFC 3849 2001:db8::/32) are used. The root
// namespace is never modified.
package nstest
