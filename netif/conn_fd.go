package netif

// FD is the socket's file descriptor (-1 once closed), for the log line
// keepalived writes of its socket pool ("VRRP sockpool: [... fd(14,15)
// ...]"). Nothing may be done with it: the Conn owns it.
func (c *Conn) FD() int {
	fd := -1
	if c.closed.Load() {
		return fd
	}
	_ = c.rc.Control(func(s uintptr) { fd = int(s) })
	return fd
}
