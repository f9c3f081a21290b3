// Package dump writes keepalived 2.2.7's dump files from a Snapshot:
// keepalived.data and keepalived_parent.data (SIGUSR1), keepalived.stats
// (SIGUSR2) and keepalived.json (the JSON signal), byte for byte in
// keepalived's layouts where goalived has the same facts. Upstream calls
// the formats unstable; tools diff and parse them all the same
// (keepalived-exporter reads keepalived.json).
//
// The package does no I/O of its own beyond the writer it is given: the
// engine gathers the running state and what the host knows (the links
// and their addresses, the umask, users and programs, through a
// Resolver) into a Snapshot, and the writers only format it. Tests build
// snapshots in code and compare with golden files and with files
// keepalived 2.2.7 wrote (testdata/keepalived-2.2.7).
package dump
