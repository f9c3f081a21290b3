package parser

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goalived/goalived/parser/syntax"
)

// hostileCase is a configuration made to exhaust the loader: files to
// write under a temporary directory ("DIR" in their text is that
// directory), the main file, and what the load must say.
type hostileCase struct {
	name  string
	files map[string]string
	fifo  string // a FIFO made at this name
	main  string // "DIR/..." or an absolute path
	// want is part of a diagnostic the load must give, and fatal whether
	// it must be an error that stops the daemon from using the file.
	want  string
	fatal bool
}

// Bounds every hostile load must keep, generous for a shared machine (and
// five times the time under the race detector): before the limits the
// worst took minutes and gigabytes, or never ended.
const (
	hostileTime  = 20 * time.Second * raceSlowdown
	hostileAlloc = 768 << 20
)

func hostileCases() []hostileCase {
	braces := strings.Repeat("{a,b,c,d}", 12)
	glob8 := map[string]string{"main.conf": "include DIR/g/*.conf\n"}
	for i := range 8 {
		glob8[fmt.Sprintf("g/f%d.conf", i)] = "include DIR/g/*.conf\nvrrp_instance X {\n}\n"
	}
	many := map[string]string{"main.conf": "include DIR/d/*.conf\n"}
	for i := range 5000 {
		many[fmt.Sprintf("d/%04d.conf", i)] = "x\n"
	}
	return []hostileCase{
		{name: "include of 12 brace groups (16.7 M patterns)", files: map[string]string{"main.conf": "include DIR/b/x" + braces + ".conf\n"},
			main: "DIR/main.conf", want: "include patterns come to more than 4096", fatal: true},
		{name: "8 files each including all 8", files: glob8, main: "DIR/main.conf", want: "includes nested more than 32 deep", fatal: true},
		{name: "a file including itself", files: map[string]string{"main.conf": "include DIR/main.conf\nx\n"},
			main: "DIR/main.conf", want: "includes nested more than 32 deep", fatal: true},
		{name: "5000 included files", files: many, main: "DIR/main.conf", want: "more than 4096 configuration files", fatal: true},
		{name: "/dev/zero as the file", main: "/dev/zero", want: "is not a regular non-executable file", fatal: true},
		{name: "/dev/zero included", files: map[string]string{"main.conf": "include /dev/zero\n"}, main: "DIR/main.conf",
			want: "is not a regular non-executable file"},
		{name: "a FIFO as the file", fifo: "fifo.conf", main: "DIR/fifo.conf", want: "is not a regular non-executable file", fatal: true},
		{name: "a FIFO included", fifo: "fifo.conf", files: map[string]string{"main.conf": "include DIR/*.conf\n"}, main: "DIR/main.conf",
			want: "is not a regular non-executable file"},
		{name: "800 KB of nested braces on one line", files: map[string]string{"main.conf": "a " + strings.Repeat("{", 800_000) + "\n"},
			main: "DIR/main.conf", want: "line longer than 65536 bytes", fatal: true},
		{name: "800 KB of nested braces", files: map[string]string{"main.conf": strings.Repeat("a {\n", 200_000)},
			main: "DIR/main.conf", want: "blocks nested more than 32 deep", fatal: true},
		{name: "a 2 MB single line", files: map[string]string{"main.conf": "router_id " + strings.Repeat("a", 2<<20) + "\n"},
			main: "DIR/main.conf", want: "line longer than 65536 bytes", fatal: true},
		{name: "17 MB of short lines", files: map[string]string{"main.conf": strings.Repeat("router_id a\n", 17<<20/12)},
			main: "DIR/main.conf", want: "more than 16777216 bytes", fatal: true},
		{name: "2 MB multi-line definition", files: map[string]string{"main.conf": "$M=\\\n" + strings.Repeat("x y z \\\n", 2<<20/8) + "\n"},
			main: "DIR/main.conf"},
		{name: "~SEQ of 300,000 lines", files: map[string]string{"main.conf": "~SEQ(i,1,300000) x\n"},
			main: "DIR/main.conf", want: "more than 262144 lines", fatal: true},
		{name: "~SEQ of 300,000 500-word lines", files: map[string]string{"main.conf": "~SEQ(i,1,300000) " + strings.Repeat("x ", 500) + "\n"},
			main: "DIR/main.conf", want: "more than 262144 lines", fatal: true},
		{name: "~SEQ of 4,000 500-word lines", files: map[string]string{"main.conf": "~SEQ(i,1,4000) " + strings.Repeat("x ", 500) + "\n"},
			main: "DIR/main.conf", want: "more than 1048576 words", fatal: true},
		{name: "1 KB unknown keywords", files: map[string]string{"main.conf": strings.Repeat(strings.Repeat("k", 1020)+"\n", 15_000)},
			main: "DIR/main.conf", want: "unknown keyword"},
		{name: "nested ~SEQ", files: map[string]string{"main.conf": "~SEQ(a,1,1000) ~SEQ(b,1,1000) x\n"},
			main: "DIR/main.conf", want: "more than 262144 lines", fatal: true},
		{name: "nested ~SEQ substituting", files: map[string]string{"main.conf": "~SEQ(a,1,1000) ~SEQ(b,1,1000) x ${a} ${b}\n"},
			main: "DIR/main.conf", want: "definition substitution exceeds 16777216 bytes", fatal: true},
		{name: "self-doubling definitions", files: map[string]string{"main.conf": "$A=x\n" + doublings(30) + "~SEQ(i,1,100000) k $Z\n"},
			main: "DIR/main.conf", want: "would exceed maximum line length"},
	}
}

// doublings defines $B=$A$A, $C=$B$B, ... n times, ending in $Z.
func doublings(n int) string {
	var b strings.Builder
	prev := "A"
	for i := range n {
		name := fmt.Sprintf("D%d", i)
		if i == n-1 {
			name = "Z"
		}
		fmt.Fprintf(&b, "$%s=${%s}${%s}\n", name, prev, prev)
		prev = name
	}
	return b.String()
}

func (c hostileCase) write(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range c.files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(text, "DIR", dir)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if c.fifo != "" {
		if err := syscall.Mkfifo(filepath.Join(dir, c.fifo), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return strings.ReplaceAll(c.main, "DIR", dir)
}

// TestHostileConfigurations loads each hostile configuration and checks
// that the load ends within hostileTime, allocating less than
// hostileAlloc, with the diagnostic that says why.
func TestHostileConfigurations(t *testing.T) {
	for _, c := range hostileCases() {
		t.Run(c.name, func(t *testing.T) {
			main := c.write(t)
			elapsed, alloc, diags := measureLoad(main)
			t.Logf("%v, %d MB allocated, %d diagnostics", elapsed.Round(time.Millisecond), alloc>>20, len(diags))
			if elapsed > hostileTime {
				t.Errorf("load took %v, more than %v", elapsed, hostileTime)
			}
			if alloc > hostileAlloc {
				t.Errorf("load allocated %d MB, more than %d MB", alloc>>20, hostileAlloc>>20)
			}
			if len(diags) > syntax.DefaultLimits().Diagnostics+4 {
				t.Errorf("%d diagnostics kept", len(diags))
			}
			if c.want != "" && !hasDiag(diags, c.want) {
				t.Errorf("no diagnostic says %q; got:\n%s", c.want, firstDiags(diags, 5))
			}
			if c.fatal && !diags.HasFatal() {
				t.Errorf("no fatal diagnostic; got:\n%s", firstDiags(diags, 5))
			}
		})
	}
}

// measureLoad loads main and returns the time taken and the bytes
// allocated meanwhile.
func measureLoad(main string) (time.Duration, uint64, Diagnostics) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, diags := Load(main, testOptions())
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	return elapsed, after.TotalAlloc - before.TotalAlloc, diags
}

func hasDiag(ds Diagnostics, s string) bool {
	for _, d := range ds {
		if strings.Contains(d.Msg, s) {
			return true
		}
	}
	return false
}

func firstDiags(ds Diagnostics, n int) string {
	return Diagnostics(ds[:min(n, len(ds))]).String()
}
