package netif

// onOwnStack runs f on a goroutine of its own and waits for its result.
//
// The rtnetlink library receives each answer into a 64 KiB array on the
// stack, so every goroutine that makes a request grows its stack to 128
// KiB, and a goroutine keeps a grown stack until it ends or a collection
// finds it mostly unused. The VIPs of a transition are installed on the
// instance's effects goroutine, which then goes on with its announcements
// and reports: when 1000 instances became master together, hundreds of
// them held such stacks at once and the daemon's resident size peaked at
// 49 MiB (28 with this). A goroutine that ends with the request hands its
// stack back at once; the few microseconds of its start are nothing next
// to the netlink round trip.
func onOwnStack(f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	return <-done
}
