package parser

// group returns the group of rarely written options *p points to,
// allocating it at the first keyword written into it: the model leaves
// such groups nil when none of their keywords is written, so that the
// plain instances and addresses a daemon keeps for its life stay small
// (config.VIP.Extra and the like; readers use their accessor methods).
func group[T any](p **T) *T {
	if *p == nil {
		*p = new(T)
	}
	return *p
}
