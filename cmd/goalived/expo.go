package main

import (
	"bufio"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// exposition collects samples and writes them in Prometheus' text format
// (version 0.0.4). goalived writes it itself rather than linking
// client_golang: the library and its protobuf dependency made the binary
// twice as large, and a daemon's resident size follows its binary's.
type exposition struct {
	families map[string]*family
}

type family struct {
	help, typ string
	samples   []sample
}

type sample struct {
	labels string // rendered, without braces: a="x",b="y"
	value  float64
}

// label is one name="value" pair of a sample.
type label struct{ name, value string }

const (
	gauge   = "gauge"
	counter = "counter"
)

// add records a sample of the family name; help and typ are taken from its
// first sample.
func (e *exposition) add(name, help, typ string, value float64, labels ...label) {
	if e.families == nil {
		e.families = map[string]*family{}
	}
	f := e.families[name]
	if f == nil {
		f = &family{help: help, typ: typ}
		e.families[name] = f
	}
	slices.SortFunc(labels, func(a, b label) int { return strings.Compare(a.name, b.name) })
	var b strings.Builder
	for i, l := range labels {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(l.name)
		b.WriteString(`="`)
		b.WriteString(labelEscaper.Replace(l.value))
		b.WriteByte('"')
	}
	f.samples = append(f.samples, sample{labels: b.String(), value: value})
}

var (
	labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

// write writes the families sorted by name, each family's samples sorted
// by their labels, as client_golang's registry orders them.
func (e *exposition) write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	names := make([]string, 0, len(e.families))
	for n := range e.families {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		f := e.families[n]
		slices.SortStableFunc(f.samples, func(a, b sample) int { return strings.Compare(a.labels, b.labels) })
		bw.WriteString("# HELP " + n + " " + helpEscaper.Replace(f.help) + "\n")
		bw.WriteString("# TYPE " + n + " " + f.typ + "\n")
		for _, s := range f.samples {
			bw.WriteString(n)
			if s.labels != "" {
				bw.WriteString("{" + s.labels + "}")
			}
			bw.WriteString(" " + formatValue(s.value) + "\n")
		}
	}
	return bw.Flush()
}

// formatValue writes a value as the text format spells it.
func formatValue(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
