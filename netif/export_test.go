package netif

// IfIndex is ifIndex, for the external tests that run it in a lab's
// namespace.
var IfIndex = ifIndex

// ErrNoLink is errNoLink.
var ErrNoLink = errNoLink
