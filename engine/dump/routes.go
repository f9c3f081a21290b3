package dump

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/goalived/goalived/config"
)

// rtprotKeepalived is the route protocol keepalived installs its routes
// and rules with (RTPROT_KEEPALIVED).
const rtprotKeepalived = 18

// formatRoute is a virtual_routes or static_routes entry as keepalived
// 2.2.7 prints it (observed): "prepend" for a unicast route, "add TYPE"
// for the others; the destination with its length ("default" as
// 0.0.0.0/0 or ::/0); src, via, dev, table, keepalived's protocol (set on
// every route but those written no_track), scope and metric; "no_track"
// also for a route without a device, which keepalived cannot track, and
// the track_group. The parser marks a virtual route without a device
// no_track itself, a static one not.
func formatRoute(r config.Route, static bool) string {
	var b strings.Builder
	if r.Type == "" || r.Type == "unicast" {
		b.WriteString("prepend ")
	} else {
		fmt.Fprintf(&b, "add %s ", r.Type)
	}
	dst := r.Dst
	if !dst.IsValid() {
		dst = netip.PrefixFrom(netip.IPv4Unspecified(), 0)
		if r.Via.Is6() || r.Src.Is6() {
			dst = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
		}
	}
	b.WriteString(dst.String())
	if r.Src.IsValid() {
		fmt.Fprintf(&b, " src %s", r.Src)
	}
	if r.Via.IsValid() {
		fam := "inet"
		if r.Via.Is6() {
			fam = "inet6"
		}
		fmt.Fprintf(&b, " via %s %s", fam, r.Via)
	}
	if r.Dev != "" {
		fmt.Fprintf(&b, " dev %s", r.Dev)
	}
	if r.Table != "" && r.Table != "main" && r.Table != "254" {
		fmt.Fprintf(&b, " table %s", r.Table)
	}
	if writtenNoTrack := r.NoTrack && (static || r.Dev != ""); !writtenNoTrack {
		fmt.Fprintf(&b, " proto %d", rtprotKeepalived)
	}
	if r.Scope != "" {
		fmt.Fprintf(&b, " scope %d", routeScope(r.Scope))
	}
	if r.Metric != 0 {
		fmt.Fprintf(&b, " metric %d", r.Metric)
	}
	if r.NoTrack || r.Dev == "" {
		b.WriteString(" no_track")
	}
	if r.TrackGroup != "" {
		fmt.Fprintf(&b, " track_group %s", r.TrackGroup)
	}
	return b.String()
}

// routeScopes are the numbers of the scope names iproute2 knows.
var routeScopes = map[string]int{"": 0, "global": 0, "site": 200, "link": 253, "host": 254, "nowhere": 255}

// routeScope is the number of a scope name (keepalived prints numbers).
func routeScope(s string) int {
	if n, ok := routeScopes[s]; ok {
		return n
	}
	var n int
	fmt.Sscanf(s, "%d", &n)
	return n
}

// formatRule is a virtual_rules or static_rules entry as keepalived
// 2.2.7 prints it (observed): from (or "all"), to, the priority, tos,
// fwmark, iif, oif, keepalived's protocol, the table, no_track and
// track_group.
func formatRule(r config.Rule) string {
	var b strings.Builder
	b.WriteString("from ")
	if r.From.IsValid() {
		b.WriteString(shortPrefix(r.From))
	} else {
		b.WriteString("all")
	}
	if r.To.IsValid() {
		fmt.Fprintf(&b, " to %s", shortPrefix(r.To))
	}
	prio := r.Preference
	if prio == 0 {
		prio = 16384
	}
	fmt.Fprintf(&b, " priority %d tos 0x0", prio)
	if r.FWMark != "" {
		fmt.Fprintf(&b, " fwmark %s", formatMark(r.FWMark))
	}
	if r.IIF != "" {
		fmt.Fprintf(&b, " iif %s", r.IIF)
	}
	if r.OIF != "" {
		fmt.Fprintf(&b, " oif %s", r.OIF)
	}
	fmt.Fprintf(&b, " protocol %d", rtprotKeepalived)
	if r.Table != "" {
		fmt.Fprintf(&b, " lookup %s", r.Table)
	}
	if r.NoTrack {
		b.WriteString(" no_track")
	}
	if r.TrackGroup != "" {
		fmt.Fprintf(&b, " track_group %s", r.TrackGroup)
	}
	return b.String()
}

// formatMark is an fwmark[/mask] in keepalived's hexadecimal; a value it
// cannot read is shown as written.
func formatMark(m string) string {
	v, mask, hasMask := strings.Cut(m, "/")
	n, err := strconv.ParseUint(v, 0, 32)
	if err != nil {
		return m
	}
	out := fmt.Sprintf("0x%x", n)
	if hasMask {
		k, err := strconv.ParseUint(mask, 0, 32)
		if err != nil {
			return m
		}
		out += fmt.Sprintf("/0x%x", k)
	}
	return out
}

// shortPrefix leaves out the length of a host prefix, as keepalived does.
func shortPrefix(p netip.Prefix) string {
	if p.Bits() == p.Addr().BitLen() {
		return p.Addr().String()
	}
	return p.String()
}
