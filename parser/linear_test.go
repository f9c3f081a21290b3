package parser

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// linearShapes make configurations of about n bytes, each of a shape
// that once cost more than linear time or memory (a multi-line definition
// was copied whole for each of its lines, every included file copied the
// lines read before it, a long unknown keyword was compared with every
// keyword by edit distance).
var linearShapes = []struct {
	name string
	make func(n int) fstest.MapFS
}{
	{"one long word", func(n int) fstest.MapFS { return mainOnly("router_id " + strings.Repeat("a", n) + "\n") }},
	{"one line of words", func(n int) fstest.MapFS { return mainOnly("virtual_ipaddress " + strings.Repeat("x ", n/2) + "\n") }},
	{"one line of braces", func(n int) fstest.MapFS { return mainOnly("a {" + strings.Repeat("b } ", n/4) + "\n") }},
	{"one line of quotes", func(n int) fstest.MapFS { return mainOnly("router_id " + strings.Repeat(`"a" `, n/4) + "\n") }},
	{"one line of escapes", func(n int) fstest.MapFS { return mainOnly("router_id " + strings.Repeat(`\#`, n/2) + "\n") }},
	{"empty blocks", func(n int) fstest.MapFS { return mainOnly(strings.Repeat("a{}\n", n/4)) }},
	{"stray braces", func(n int) fstest.MapFS { return mainOnly(strings.Repeat("}\n", n/2)) }},
	{"short lines", func(n int) fstest.MapFS { return mainOnly(strings.Repeat("router_id a\n", n/12)) }},
	{"1 KB unknown keywords", func(n int) fstest.MapFS { return mainOnly(strings.Repeat(strings.Repeat("k", 1000)+"\n", n/1001)) }},
	{"multi-line definition", func(n int) fstest.MapFS { return mainOnly("$M=\\\n" + strings.Repeat("x y z \\\n", n/8) + "\n") }},
	{"included files", func(n int) fstest.MapFS {
		fs := mainOnly("include d/*.conf\n")
		for i := range n / 1000 {
			fs[fmt.Sprintf("d/%05d.conf", i)] = &fstest.MapFile{Data: []byte(strings.Repeat("router_id a\n", 83))}
		}
		return fs
	}},
}

func mainOnly(text string) fstest.MapFS {
	return fstest.MapFS{"k.conf": &fstest.MapFile{Data: []byte(text)}}
}

// TestLoadLinear checks that four times the input costs about four times
// the memory, not sixteen, for each shape (allocated bytes are nearly
// deterministic; the time is logged, benchmarks measure it).
func TestLoadLinear(t *testing.T) {
	const n = 1 << 18
	opts := testOptions()
	opts.Limits.LineLength = 8 << 20 // let single lines through: their cost is the question
	for _, s := range linearShapes {
		t.Run(s.name, func(t *testing.T) {
			opts.FS = s.make(n)
			small, smallT := allocated(opts)
			opts.FS = s.make(4 * n)
			large, largeT := allocated(opts)
			ratio := float64(large) / float64(max(small, 1))
			t.Logf("%d KB: %d KB allocated in %v; %d KB: %d KB in %v (x%.1f)", n>>10, small>>10, smallT.Round(time.Millisecond),
				4*n>>10, large>>10, largeT.Round(time.Millisecond), ratio)
			if ratio > 6 {
				t.Errorf("four times the input allocated %.1f times the memory", ratio)
			}
		})
	}
}

func allocated(opts Options) (uint64, time.Duration) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	Load("/k.conf", opts)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, elapsed
}

// BenchmarkLoadShapes measures the shapes of TestLoadLinear at 1 MB.
func BenchmarkLoadShapes(b *testing.B) {
	opts := testOptions()
	opts.Limits.LineLength = 8 << 20
	for _, s := range linearShapes {
		b.Run(s.name, func(b *testing.B) {
			opts.FS = s.make(1 << 20)
			b.SetBytes(1 << 20)
			for b.Loop() {
				Load("/k.conf", opts)
			}
		})
	}
}
