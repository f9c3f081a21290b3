package script

import "context"

// System runs programs and looks users up on this machine: the real side
// of the engine's script host (a test host runs them in memory).
type System struct{}

// Run is Run.
func (System) Run(ctx context.Context, c Command) (Result, error) { return Run(ctx, c) }

// DefaultIdentity is DefaultIdentity.
func (System) DefaultIdentity(user, group string, security bool) (Identity, error) {
	return DefaultIdentity(user, group, security)
}

// LookupIdentity is LookupIdentity.
func (System) LookupIdentity(user, group string) (Identity, error) {
	return LookupIdentity(user, group)
}

// Prepare is PrepareScript.
func (System) Prepare(argv []string, id Identity) (Prepared, error) { return PrepareScript(argv, id) }
