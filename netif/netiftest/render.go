package netiftest

import (
	"fmt"
	"strings"

	"github.com/goalived/goalived/netif"
)

// IPAddr renders the interfaces and their addresses as `ip addr` shows
// them (without queueing details and lifetimes):
//
//	2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500
//	    link/ether 02:00:00:01:00:01 brd ff:ff:ff:ff:ff:ff
//	    inet 192.0.2.1/24 scope global eth0
//	    inet 192.0.2.100/32 scope global eth0
func (h *Host) IPAddr() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, l := range h.links {
		fmt.Fprintf(&b, "%d: %s: <%s> mtu %d\n", l.index, l.name, l.flagWords(), l.mtu)
		fmt.Fprintf(&b, "    link/ether %s brd ff:ff:ff:ff:ff:ff\n", l.mac)
		for _, v6 := range []bool{false, true} {
			for _, a := range l.addrs {
				if a.Prefix.Addr().Is6() == v6 {
					b.WriteString(a.line(l.name))
				}
			}
		}
	}
	return b.String()
}

// flagWords are the link flags as ip prints them.
func (l *link) flagWords() string {
	switch {
	case l.up && l.running:
		return "BROADCAST,MULTICAST,UP,LOWER_UP"
	case l.up:
		return "NO-CARRIER,BROADCAST,MULTICAST,UP"
	}
	return "BROADCAST,MULTICAST"
}

var scopeNames = map[int]string{0: "global", 200: "site", 253: "link", 254: "host", 255: "nowhere"}

// line is one address line of `ip addr`.
func (a addr) line(dev string) string {
	scope := scopeNames[a.Scope]
	if scope == "" {
		scope = fmt.Sprint(a.Scope)
	}
	if a.Prefix.Addr().Is6() {
		if a.Prefix.Addr().IsLinkLocalUnicast() {
			scope = "link"
		}
		return fmt.Sprintf("    inet6 %s scope %s\n", a.Prefix, scope)
	}
	s := "    inet " + a.Prefix.String()
	if a.Peer.IsValid() {
		s += " peer " + a.Peer.String()
	}
	if a.Broadcast.IsValid() {
		s += " brd " + a.Broadcast.String()
	}
	s += " scope " + scope
	if a.secondary {
		s += " secondary"
	}
	label := dev
	if a.Label != "" {
		label = a.Label
	}
	return s + " " + label + "\n"
}

var routeTypeNames = map[int]string{netif.RouteBlackhole: "blackhole", netif.RouteUnreachable: "unreachable",
	netif.RouteProhibit: "prohibit", netif.RouteThrow: "throw"}

// IPRoute renders the routes the engine installed as `ip route show
// table all` lists them, in the order they were added.
func (h *Host) IPRoute() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, r := range h.routes {
		var f []string
		if t := routeTypeNames[r.Type]; t != "" {
			f = append(f, t)
		}
		f = append(f, r.Dst.String())
		if r.Via.IsValid() {
			f = append(f, "via", r.Via.String())
		}
		if r.Dev != "" {
			f = append(f, "dev", r.Dev)
		}
		if r.Table != 0 && r.Table != netif.TableMain {
			f = append(f, "table", tableName(r.Table))
		}
		if r.Protocol == netif.ProtoKeepalived {
			f = append(f, "proto", "keepalived")
		} else if r.Protocol != 0 {
			f = append(f, "proto", fmt.Sprint(r.Protocol))
		}
		if s := scopeNames[r.Scope]; r.Scope != 0 {
			f = append(f, "scope", s)
		}
		if r.Src.IsValid() {
			f = append(f, "src", r.Src.String())
		}
		if r.Metric != 0 {
			f = append(f, "metric", fmt.Sprint(r.Metric))
		}
		b.WriteString(strings.Join(f, " ") + "\n")
	}
	return b.String()
}

// IPRule renders the rules the engine installed as `ip rule` lists them
// (a rule without a preference shows as 0), in the order they were
// added.
func (h *Host) IPRule() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, r := range h.rules {
		f := []string{fmt.Sprintf("%d:", r.Preference), "from"}
		if r.From.IsValid() {
			f = append(f, r.From.String())
		} else {
			f = append(f, "all")
		}
		if r.To.IsValid() {
			f = append(f, "to", r.To.String())
		}
		if r.Mark != 0 || r.HasMask {
			m := fmt.Sprintf("%#x", r.Mark)
			if r.HasMask {
				m += fmt.Sprintf("/%#x", r.Mask)
			}
			f = append(f, "fwmark", m)
		}
		if r.IIF != "" {
			f = append(f, "iif", r.IIF)
		}
		if r.OIF != "" {
			f = append(f, "oif", r.OIF)
		}
		f = append(f, "lookup", tableName(r.Table))
		b.WriteString(strings.Join(f, " ") + "\n")
	}
	return b.String()
}

// tableName is a reserved table's name, else its number.
func tableName(t int) string {
	switch t {
	case netif.TableMain:
		return "main"
	case netif.TableLocal:
		return "local"
	case netif.TableDefault:
		return "default"
	}
	return fmt.Sprint(t)
}
