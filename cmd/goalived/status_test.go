package main

import (
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine"
	"github.com/goalived/goalived/vrrp"
)

func TestFormatStatus(t *testing.T) {
	since := time.Date(2026, 11, 25, 13, 35, 46, 775001000, time.UTC)
	sts := []engine.Status{{
		Name: "VI_1", Interface: "bond0", VRID: 69, Version: 2, State: vrrp.StateMaster,
		BasePriority: 100, Priority: 100, AdvertInt: time.Second,
		Master: netip.MustParseAddr("10.12.11.100"), VIPs: []netip.Prefix{netip.MustParsePrefix("10.12.100.100/32")},
		Since: since, Reason: "master down timer",
	}, {
		Name: "VI_6", Interface: "eth1", VRID: 7, Version: 3, State: vrrp.StateBackup,
		BasePriority: 150, Priority: 100, AdvertInt: 20 * time.Millisecond, Since: since, Reason: "start",
	}}
	var b strings.Builder
	if err := formatStatus(&b, sts); err != nil {
		t.Fatal(err)
	}
	want := `name interface vrid ver state  base_prio eff_prio advert_int master       vips             since                       reason
VI_1 bond0     69   2   MASTER 100       100      1s         10.12.11.100 10.12.100.100/32 2026-11-25T13:35:46.775001Z master_down_timer
VI_6 eth1      7    3   BACKUP 150       100      0.02s      -            -                2026-11-25T13:35:46.775001Z start
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("status file (-want +got):\n%s", diff)
	}
}

// TestWriteAtomicNeverHalfWritten: a reader looping on the file during
// 1000 rewrites only ever sees complete versions.
func TestWriteAtomicNeverHalfWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vrrp")
	content := func(i int) string {
		return fmt.Sprintf("header %d\n%s\nend %d\n", i, strings.Repeat("x", 8192), i)
	}
	if err := writeAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, content(0)); return err }); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad []string
	reads := 0
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			b, err := os.ReadFile(path)
			if err != nil {
				bad = append(bad, err.Error())
				continue
			}
			reads++
			var i, j int
			s := string(b)
			if _, err := fmt.Sscanf(s, "header %d\n", &i); err != nil || s != content(i) {
				j = -1
			}
			if j < 0 {
				bad = append(bad, fmt.Sprintf("torn read of %d bytes", len(b)))
			}
		}
	})
	for i := 1; i <= 1000; i++ {
		if err := writeAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, content(i)); return err }); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("%d bad reads out of %d, first: %s", len(bad), reads, bad[0])
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".vrrp.*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}
