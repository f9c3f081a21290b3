package main

import (
	"math"
	"strings"
	"testing"
)

// TestExpositionText pins the text format that scrapers and
// keepalived-exporter's dashboards read: families sorted by name with
// HELP and TYPE, label names sorted, samples sorted by labels, escapes and
// the spelling of values as client_golang writes them.
func TestExpositionText(t *testing.T) {
	var e exposition
	e.add("b_total", "B\\ help\nline", counter, 3, label{"vrid", "2"}, label{"iname", "VI_2"})
	e.add("b_total", "ignored", counter, 1e6, label{"vrid", "1"}, label{"iname", "VI_1"})
	e.add("a_up", "Status", gauge, 1)
	e.add("c", "Values", gauge, 0.000901782, label{"v", "x"})
	e.add("c", "Values", gauge, math.Inf(1), label{"v", `q"\` + "\n"})
	e.add("c", "Values", gauge, -1, label{"v", "y"})
	var b strings.Builder
	if err := e.write(&b); err != nil {
		t.Fatal(err)
	}
	want := `# HELP a_up Status
# TYPE a_up gauge
a_up 1
# HELP b_total B\\ help\nline
# TYPE b_total counter
b_total{iname="VI_1",vrid="1"} 1e+06
b_total{iname="VI_2",vrid="2"} 3
# HELP c Values
# TYPE c gauge
c{v="q\"\\\n"} +Inf
c{v="x"} 0.000901782
c{v="y"} -1
`
	if got := b.String(); got != want {
		t.Errorf("exposition:\n%s\nwant:\n%s", got, want)
	}
}
