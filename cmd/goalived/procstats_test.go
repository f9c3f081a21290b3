package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testBinaryInit is when this test binary set its package variables.
var testBinaryInit = time.Now()

// TestProcessSeries: the standard series are there with client_golang's
// types and values that fit this process.
func TestProcessSeries(t *testing.T) {
	var e exposition
	addProcessSeries(&e)
	var b strings.Builder
	if err := e.write(&b); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	value := func(name, typ string) float64 {
		t.Helper()
		if !strings.Contains(text, "# TYPE "+name+" "+typ+"\n") {
			t.Fatalf("no %s %s in:\n%s", typ, name, text)
		}
		m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("no sample of %s", name)
		}
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := value("process_resident_memory_bytes", "gauge"); v < 1<<20 || v > 4<<30 {
		t.Errorf("resident memory %v", v)
	}
	if v := value("process_open_fds", "gauge"); v < 3 {
		t.Errorf("open fds %v", v)
	}
	if v := value("process_cpu_seconds_total", "counter"); v < 0 {
		t.Errorf("cpu seconds %v", v)
	}
	// The test binary started moments before its package variables were
	// set (the value is in seconds since the epoch, not ticks since boot).
	if v, init := value("process_start_time_seconds", "gauge"), float64(testBinaryInit.Unix()); v < init-60 || v > init+1 {
		t.Errorf("start time %v, test binary initialised at %v", v, init)
	}
	if v := value("go_goroutines", "gauge"); v < 1 {
		t.Errorf("goroutines %v", v)
	}
	value("process_max_fds", "gauge")
	value("process_virtual_memory_bytes", "gauge")
}
