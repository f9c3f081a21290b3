package netif

import (
	"bufio"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Route types and the reserved routing tables, as rtnetlink numbers them.
const (
	RouteUnicast     = unix.RTN_UNICAST
	RouteBlackhole   = unix.RTN_BLACKHOLE
	RouteUnreachable = unix.RTN_UNREACHABLE
	RouteProhibit    = unix.RTN_PROHIBIT
	RouteThrow       = unix.RTN_THROW

	TableDefault = unix.RT_TABLE_DEFAULT
	TableMain    = unix.RT_TABLE_MAIN
	TableLocal   = unix.RT_TABLE_LOCAL
)

// rtTables are iproute2's table name files, in the order keepalived and
// ip read them.
var rtTables = []string{"/etc/iproute2/rt_tables", "/usr/share/iproute2/rt_tables", "/usr/lib/iproute2/rt_tables"}

// LookupRouteTable finds a routing table by the name iproute2's
// rt_tables files give it, as keepalived resolves a "table NAME" that is
// neither a number nor main, local or default.
func LookupRouteTable(name string) (int, bool) {
	for _, f := range rtTables {
		if v, ok := lookupTable(f, name); ok {
			return v, true
		}
	}
	return 0, false
}

func lookupTable(path, name string) (int, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && !strings.HasPrefix(fields[0], "#") && fields[1] == name {
			if v, err := strconv.ParseUint(fields[0], 0, 32); err == nil {
				return int(v), true
			}
		}
	}
	return 0, false
}
