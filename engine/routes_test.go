package engine

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/netif"
)

// netipEqual compares addresses and prefixes by value.
var netipEqual = cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})

// tables knows one rt_tables name.
func tables(name string) (int, bool) { return 100, name == "vrrp" }

// TestNetifRoutes: iproute2's names for types, scopes, protocols and
// tables become rtnetlink's numbers, keepalived's protocol by default.
func TestNetifRoutes(t *testing.T) {
	dst := netip.MustParsePrefix("198.51.100.0/24")
	tests := []struct {
		name    string
		in      config.Route
		want    netif.Route
		wantErr string
	}{
		{name: "defaults", in: config.Route{Dst: dst},
			want: netif.Route{Dst: dst, Table: netif.TableMain, Protocol: netif.ProtoKeepalived}},
		{name: "names", in: config.Route{Dst: dst, Type: "blackhole", Table: "vrrp", Scope: "link", Protocol: "static", Metric: 7},
			want: netif.Route{Dst: dst, Type: netif.RouteBlackhole, Table: 100, Scope: 253, Protocol: 4, Metric: 7}},
		{name: "numbers", in: config.Route{Dst: dst, Table: "0x10", Scope: "42", Protocol: "99"},
			want: netif.Route{Dst: dst, Table: 16, Scope: 42, Protocol: 99}},
		{name: "reserved tables", in: config.Route{Dst: dst, Table: "local"},
			want: netif.Route{Dst: dst, Table: netif.TableLocal, Protocol: netif.ProtoKeepalived}},
		{name: "unknown table", in: config.Route{Dst: dst, Table: "nosuch", Words: []string{"x"}}, wantErr: `route x: unknown routing table "nosuch"`},
		{name: "unknown type", in: config.Route{Dst: dst, Type: "nat", Words: []string{"x"}}, wantErr: `route x: unknown type "nat"`},
		{name: "bad scope", in: config.Route{Dst: dst, Scope: "300", Words: []string{"x"}}, wantErr: `route x: scope: unknown value "300"`},
		{name: "bad protocol", in: config.Route{Dst: dst, Protocol: "bgpd", Words: []string{"x"}}, wantErr: `route x: protocol: unknown value "bgpd"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := netifRoutes([]config.Route{tc.in}, tables)
			wantConverted(t, got, err, tc.want, tc.wantErr)
		})
	}
}

// TestNetifRules: fwmark with and without mask, table names.
func TestNetifRules(t *testing.T) {
	from := netip.MustParsePrefix("198.51.100.0/24")
	tests := []struct {
		name    string
		in      config.Rule
		want    netif.Rule
		wantErr string
	}{
		{name: "table", in: config.Rule{From: from, Table: "vrrp", Preference: 10, IIF: "eth0"},
			want: netif.Rule{From: from, Table: 100, Preference: 10, IIF: "eth0"}},
		{name: "fwmark", in: config.Rule{From: from, FWMark: "0x10"}, want: netif.Rule{From: from, Table: netif.TableMain, Mark: 16}},
		{name: "fwmark and mask", in: config.Rule{From: from, FWMark: "7/0xff"},
			want: netif.Rule{From: from, Table: netif.TableMain, Mark: 7, Mask: 255, HasMask: true}},
		{name: "bad fwmark", in: config.Rule{FWMark: "x", Words: []string{"r"}}, wantErr: `rule r: fwmark "x": strconv.ParseUint: parsing "x": invalid syntax`},
		{name: "bad mask", in: config.Rule{FWMark: "1/y", Words: []string{"r"}}, wantErr: `rule r: fwmark mask "1/y": strconv.ParseUint: parsing "y": invalid syntax`},
		{name: "unknown table", in: config.Rule{Table: "nosuch", Words: []string{"r"}}, wantErr: `rule r: unknown routing table "nosuch"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := netifRules([]config.Rule{tc.in}, tables)
			wantConverted(t, got, err, tc.want, tc.wantErr)
		})
	}
}

// wantConverted checks a conversion of one item: want, or the error
// wantErr when it is set.
func wantConverted[T any](t *testing.T, got []T, err error, want T, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || err.Error() != wantErr {
			t.Fatalf("err %v, want %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]T{want}, got, netipEqual); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
