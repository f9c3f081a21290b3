package main

import (
	"bytes"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	v2 = protocol{Version: 2, AdvertInt: time.Second}
	v3 = protocol{Version: 3, AdvertInt: 100 * time.Millisecond}
)

func TestBounds(t *testing.T) {
	tests := []struct {
		key  rowKey
		want time.Duration
	}{
		// RFC 3768: 3 s + (256-100)/256 s.
		{rowKey{crash, v2, firstAdvert}, 3609375 * time.Microsecond},
		// RFC 5798: 3 * 100 ms + (256-100) * 100 ms / 256.
		{rowKey{crash, v3, firstGARP}, 360937500 * time.Nanosecond},
		{rowKey{graceful, v2, firstAdvert}, 609375 * time.Microsecond},
		{rowKey{graceful, v3, firstAdvert}, 60937500 * time.Nanosecond},
		{rowKey{check, v2, firstAdvert}, 5609375 * time.Microsecond},
		// The down timer started one advert interval before the first
		// lower-priority advert: 2 * 1 s + skew.
		{rowKey{check, v2, lowerAdvert}, 2609375 * time.Microsecond},
		{rowKey{check, v3, lowerAdvert}, 260937500 * time.Nanosecond},
	}
	for _, tc := range tests {
		if got := tc.key.bound(); got != tc.want {
			t.Errorf("bound(%v) = %v, want %v", tc.key, got, tc.want)
		}
	}
}

func TestMedianWorst(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name          string
		in            []time.Duration
		median, worst time.Duration
		ok            bool
	}{
		{"empty", nil, 0, 0, false},
		{"one", []time.Duration{5 * ms}, 5 * ms, 5 * ms, true},
		{"odd unsorted", []time.Duration{9 * ms, 1 * ms, 5 * ms}, 5 * ms, 9 * ms, true},
		{"even", []time.Duration{4 * ms, 1 * ms, 2 * ms, 8 * ms}, 3 * ms, 8 * ms, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, w, ok := medianWorst(tc.in)
			if diff := cmp.Diff([]any{tc.median, tc.worst, tc.ok}, []any{m, w, ok}); diff != "" {
				t.Errorf("medianWorst (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteTable(t *testing.T) {
	r := newResults()
	ms := time.Millisecond
	r.add(crash, v3, "goalived", sample{Advert: 362 * ms, GARP: 363 * ms}, nil)
	r.add(crash, v3, "keepalived", sample{Advert: 364 * ms, GARP: 370 * ms}, nil)
	r.add(crash, v3, "keepalived", sample{}, errors.New("timeout"))
	r.add(graceful, v3, "keepalived", sample{Advert: 61 * ms}, nil)
	var b bytes.Buffer
	r.writeTable(&b)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{
		"| crash, VRRPv3 advert_int 0.1 | master's last advert (cable cut) -> first advert | 360.9 ms | 362.0 ms / 362.0 ms | 364.0 ms / 364.0 ms | +1.1 ms / +1.1 ms | 1.003 | 0.995 | 1, 1 (+1 failed) |",
		"| crash, VRRPv3 advert_int 0.1 | master's last advert (cable cut) -> first GARP | 360.9 ms | 363.0 ms / 363.0 ms | 370.0 ms / 370.0 ms | +2.1 ms / +2.1 ms | 1.006 | 0.981 | 1, 1 (+1 failed) |",
		"| graceful, VRRPv3 advert_int 0.1 | master's priority-0 advert (SIGTERM) -> first advert | 60.9 ms | - | 61.0 ms / 61.0 ms | - | - | - | 0, 1 |",
	}
	if diff := cmp.Diff(want, lines[2:]); diff != "" {
		t.Errorf("table rows (-want +got):\n%s", diff)
	}
}

func TestFrameSelection(t *testing.T) {
	a, b := netip.MustParseAddr("192.0.2.11"), netip.MustParseAddr("192.0.2.12")
	vip := netip.MustParseAddr("192.0.2.200")
	t0 := time.Unix(1764082000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	fs := []frame{
		{At: at(0), Kind: kindAdvert, SrcIP: a, VRID: 5, Prio: 150},
		{At: at(100), Kind: kindAdvert, SrcIP: a, VRID: 6, Prio: 150}, // another VRID
		{At: at(200), Kind: kindAdvert, SrcIP: a, VRID: 5, Prio: 0},
		{At: at(250), Kind: kindAdvert, SrcIP: b, VRID: 5, Prio: 0}, // not a master's
		{At: at(260), Kind: kindAdvert, SrcIP: b, VRID: 5, Prio: 100, SrcMAC: "m"},
		{At: at(261), Kind: kindGARP, SrcIP: vip, SrcMAC: "other"},
		{At: at(262), Kind: kindGARP, SrcIP: vip, SrcMAC: "m"},
	}
	first, ok := firstFrom(fs, kindAdvert, b, "m", 5)
	if !ok || !first.At.Equal(at(260)) {
		t.Errorf("firstFrom advert = %v, %v; want the one at 260 ms", first.At.Sub(t0), ok)
	}
	garp, ok := firstFrom(fs, kindGARP, vip, "m", 0)
	if !ok || !garp.At.Equal(at(262)) {
		t.Errorf("firstFrom garp = %v, %v; want the one at 262 ms", garp.At.Sub(t0), ok)
	}
	last, ok := lastFromBefore(fs, a, 5, first.At)
	if !ok || !last.At.Equal(at(200)) || last.Prio != 0 {
		t.Errorf("lastFromBefore = %+v, %v; want the priority-0 one at 200 ms", last, ok)
	}
	if n := countFrom(fs, a, 5, at(1)); n != 1 {
		t.Errorf("countFrom = %d, want 1", n)
	}
	if n, gap := advertGaps(fs, a, 5, at(-100), at(300)); n != 2 || gap != 200*time.Millisecond {
		t.Errorf("advertGaps = %d, %v; want 2, 200ms", n, gap)
	}
	if _, ok := firstFrom(fs, kindAdvert, b, "m", 7); ok {
		t.Error("firstFrom found an advert of an absent VRID")
	}
}

func TestParseFlags(t *testing.T) {
	c, err := parseFlags([]string{"--quick", "--daemons", "goalived", "--goalived", "/bin/true"})
	if err != nil {
		t.Fatal(err)
	}
	got := []any{c.reps, len(c.protos), c.protos[0].Version, len(c.scenarios), c.daemons}
	want := []any{1, 1, 3, 3, []daemon{{Name: "goalived", Bin: "/bin/true"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseFlags --quick (-want +got):\n%s", diff)
	}
	for _, bad := range [][]string{
		{"--reps", "0"}, {"--scenarios", "reboot"}, {"--versions", "4"}, {"--daemons", "vrrpd"}, {"extra"},
		{"--daemons", fastPreempt, "--scenarios", "check,crash"}, // no daemon for crash
	} {
		args := append(bad, "--goalived", "/bin/true", "--keepalived", "/bin/true")
		if _, err := parseFlags(args); err == nil {
			t.Errorf("parseFlags(%q): no error", bad)
		}
	}
}

func TestConfig(t *testing.T) {
	c := routerConf{State: "BACKUP", Priority: 100, VRID: 7, Proto: v3, VIP: "192.0.2.200", Check: "/x/chk.sh"}
	text, err := c.render()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"advert_int 0.1\n", "version 3\n", "priority 100\n", "script \"/x/chk.sh\"", "fall 2\n", "weight -50\n", "chk\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("config lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "auth_type") {
		t.Errorf("VRRPv3 config has authentication:\n%s", text)
	}
	c.Proto, c.Check = v2, ""
	text, _ = c.render()
	if !strings.Contains(text, "advert_int 1\n") || !strings.Contains(text, "auth_type PASS") || strings.Contains(text, "vrrp_script") {
		t.Errorf("VRRPv2 config without check:\n%s", text)
	}
}
