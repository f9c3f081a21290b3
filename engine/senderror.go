package engine

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/vrrp"
)

// sendErrorLine is keepalived 2.2.7's line for an advert the kernel
// refused (vrrp_send_adv): "(VI_1): send advert error 11 (Resource
// temporarily unavailable)" towards the group, "(VI_1) Cant send advert
// to 192.0.2.2 (Resource temporarily unavailable)" towards a unicast
// peer, at info. keepalived leaves out a priority 0 advert refused with
// ENETUNREACH on a link that is down (the resignation of a master whose
// interface went away); goalived, which does not look at the link here,
// leaves out every priority 0 advert refused so (line ""). ok is false for an
// error that is not the kernel's (no socket for the interface): the
// caller writes goalived's own line for it.
func sendErrorLine(name string, se *vrrp.SendError) (line string, ok bool) {
	var errno syscall.Errno
	if !errors.As(se.Err, &errno) {
		return "", false
	}
	if se.Priority == 0 && errno == syscall.ENETUNREACH {
		return "", true
	}
	if se.Unicast {
		return fmt.Sprintf("(%s) Cant send advert to %v (%s)", name, se.Dst, track.Strerror(errno)), true
	}
	return fmt.Sprintf("(%s): send advert error %d (%s)", name, int(errno), track.Strerror(errno)), true
}
