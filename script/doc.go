// Package script runs keepalived's external programs — vrrp_script checks,
// notify scripts and notify FIFOs — the way keepalived 2.2.7 does, and holds
// the pure arithmetic that turns tracker results into an effective VRRP
// priority. It imports neither vrrp nor parser; cmd/goalived wires them.
//
// The priority it computes is the RFC 5798 section 5.2.4 Priority field
// (255 = address owner, 1..254 backups; section 6.4.3 owner rules are why
// an owner's priority is frozen). Everything else follows keepalived, not
// an RFC; references are to /work/shared/docs/keepalived-reference.md.
//
// Pieces, from pure to process-bound:
//
//   - SplitCommand: keepalived's alloc_strvec_quoted_escaped (reference
//     1.4), turning a quoted script string into argv. SplitScriptLine: the
//     two passes 2.2.7 really makes over a keyword line (escapes are
//     decoded twice; observed).
//   - RiseFall: the vrrp_script result counter. Evaluate: total and
//     effective priority plus FAULT from weighted trackers. Both are
//     pure, with no clock or I/O.
//   - LookupIdentity, DefaultIdentity, LookPath, CanonicalPath,
//     CheckSecure, PrepareScript: script users, argv[0] rewriting and the
//     enable_script_security rules, done once at (re)load.
//   - Run: one process: no shell, own process group, /dev/null
//     stdio (optionally capturing output), uid/gid switch, parent-death
//     SIGTERM, timeout with group SIGTERM then SIGKILL, always reaped.
//   - Check: the per-vrrp_script scheduler feeding RiseFall.
//   - Notifier and FIFO: ordered notify delivery and the notify FIFO.
//
// Check condition diagram (RiseFall):
//
//	Unknown --first success--> Up     Unknown --first failure--> Down
//	Up --fall consecutive failures--> Down
//	Down --rise consecutive successes--> Up
//
// Deliberate choices and differences from keepalived:
//
//   - An exec failure (missing file, no #!, bad interpreter, failed uid
//     switch) counts as success, as in keepalived whose child then exits 0;
//     Result.ExecErr carries the error so the daemon can warn.
//   - A run that hit its timeout is always a failure. keepalived counts it
//     as success if the script traps SIGTERM and exits 0 (observed with
//     2.2.7: `trap 'exit 0' TERM` plus a long sleep, timeout 1, logged
//     "succeeded" and added the weight), which defeats the timeout.
//   - Notify scripts of one target run one at a time in order, each with a
//     60 s limit (STOP: 1 s then SIGKILL, as keepalived); keepalived runs
//     them concurrently and without a limit.
//   - Failing check output (first 4 KiB of stdout+stderr) is captured for
//     logging; keepalived sends it to /dev/null. Notify scripts keep
//     /dev/null.
//   - The environment is passed unchanged (2.2.7; HEAD drops IFS,
//     LD_PRELOAD, LD_LIBRARY_PATH). Signal dispositions: Go resets the
//     handlers it installed and the signal mask, but a signal the daemon
//     ignores (signal.Ignore) stays ignored in scripts; the daemon should
//     not ignore signals. The umask and working directory are inherited:
//     cmd/goalived sets keepalived's umask 0177.
//   - Pdeathsig is tied to the forking OS thread in Go; the runtime only
//     retires threads of goroutines that exit while locked to a thread,
//     which this package never does.
package script
