package config

// Receive buffer policies of the VRRP sockets (vrrp_rx_bufs_policy).
const (
	RxBufsMTU    = "MTU"    // multiplier x the interface MTU per instance
	RxBufsAdvert = "ADVERT" // multiplier x the instance's advert length
	RxBufsSize   = "SIZE"   // a fixed size per instance (RxBufsBytes)
)

// RxMultiplier is vrrp_rx_bufs_multiplier with keepalived's default 3.
func (g *GlobalDefs) RxMultiplier() int {
	if g.RxBufsMultiplier == 0 {
		return 3
	}
	return g.RxBufsMultiplier
}
