// Package tracktest has in-memory fakes of what package track reaches
// through its interfaces: the engine (Host, Instance) and the system
// (Links, Files, Procs, Checks). They keep their state in memory, need
// no root and work inside testing/synctest bubbles.
package tracktest
