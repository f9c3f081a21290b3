package track_test

import (
	"errors"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/vrrp"
)

func fileConf(fileExtra, entry string) string {
	return `global_defs {
    vrrp_notify_priority_changes
}
track_file f {
    file /run/track/prio
` + fileExtra + `
}
` + instance("VI_1", 1, 100, "    track_file {\n        f "+entry+"\n    }")
}

// TestTrackFileValues: the file's value times the weight moves the
// priority; a result at or below -254 is FAULT with the priority left
// where the last other value put it (keepalived 2.2.7: MASTER_PRIORITY
// 60, then FAULT 60); a value out of the C int range is ignored; a
// missing file is 0.
func TestTrackFileValues(t *testing.T) {
	type write struct {
		contents string // "" removes the file
		want     got
	}
	tests := []struct {
		name             string
		fileExtra, entry string
		start            got
		writes           []write
		// faultLines are keepalived's -D lines of a weight-0 entry.
		faultLines []string
	}{
		{"weight 2 as the integration test", "    weight 2\n    init_file 0", "", got{100, false}, []write{
			{"10\n", got{120, false}}, {"-20\n", got{60, false}}, {"-127", got{60, true}}, {"-5000", got{60, true}},
			{"99999999999", got{60, true}}, {"0", got{100, false}}, {"0x10 and words", got{132, false}},
			{"-126", got{1, false}}, {"", got{100, false}},
		}, nil},
		{"the entry's weight and reverse", "    weight 2", "weight 3 reverse", got{100, false}, []write{
			{"10", got{70, false}}, {"-10", got{130, false}}, {"85", got{130, true}}, // the last value that was no fault stays
		}, nil},
		{"weight 0: non-zero is FAULT", "    weight 0", "", got{100, false}, []write{
			{"1", got{100, true}}, {"-3", got{100, true}}, {"0", got{100, false}}, {"junk", got{100, false}},
		}, []string{"(VI_1): tracked file f now FAULT state", "(VI_1): tracked file f leaving FAULT state"}},
		{"reverse weight 0: zero is FAULT", "", "weight 0 reverse", got{100, true}, []write{
			{"5", got{100, false}}, {"", got{100, true}},
		}, []string{"(VI_1): tracked file f leaving FAULT state", "(VI_1): tracked file f now FAULT state"}},
		{"init_file value", "    weight 1\n    init_file -30", "", got{70, false}, []write{
			{"-29", got{71, false}},
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRig(t, fileConf(tc.fileExtra, tc.entry)).start()
				r.want("start", map[string]got{"VI_1": tc.start})
				for i, w := range tc.writes {
					if w.contents == "" {
						r.sys.Files.Remove("/run/track/prio")
					} else {
						r.sys.Files.Write("/run/track/prio", w.contents)
					}
					r.want(sprintf("write %d %q", i, w.contents), map[string]got{"VI_1": w.want})
				}
				if diff := cmp.Diff(tc.faultLines, r.messages("tracked file")); diff != "" {
					t.Errorf("fault lines (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestTrackFileFIFO: with vrrp_notify_priority_changes a master's file
// changes write the MASTER_PRIORITY lines of the integration test, and
// FAULT none; unchanged values write nothing.
func TestTrackFileFIFO(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, fileConf("    weight 2\n    init_file 0", ""))
		r.insts["VI_1"].SetState(vrrp.StateMaster)
		r.start()
		for _, v := range []string{"10\n", "10 again\n", "-20\n", "-127"} {
			r.sys.Files.Write("/run/track/prio", v)
			synctest.Wait()
		}
		want := []string{`INSTANCE "VI_1" MASTER_PRIORITY 120`, `INSTANCE "VI_1" MASTER_PRIORITY 60`}
		if diff := cmp.Diff(want, r.host.Lines()); diff != "" {
			t.Errorf("FIFO lines (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[string]int64{"f": -127}, r.tr.FileValues()); diff != "" {
			t.Errorf("file values (-want +got):\n%s", diff)
		}
		if !r.logged(`msg="Tracked file f now -20"`, "name=f", "value=-20") {
			t.Errorf("no log of the change:\n%s", r.logs)
		}
	})
}

// TestTrackFileInit: init_file writes the file at start, leaves an
// existing one alone unless overwrite, and never overwrites on a reload.
func TestTrackFileInit(t *testing.T) {
	tests := []struct {
		name, fileExtra string
		existing        string // "" for none
		want, reloaded  string
	}{
		{"creates", "    init_file 4", "", "4\n", "9"},
		{"keeps an existing file", "    init_file 4", "7", "7", "9"},
		{"overwrites at start only", "    init_file 4 overwrite", "7", "4\n", "9"},
		{"no init_file", "", "", "<none>", "9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const p = "/run/track/prio"
				r := newRig(t, fileConf(tc.fileExtra, ""))
				if tc.existing != "" {
					r.sys.Files.Write(p, tc.existing)
				}
				r.start()
				contents := func() string {
					s, ok := r.sys.Files.Contents(p)
					if !ok {
						return "<none>"
					}
					return s
				}
				if got := contents(); got != tc.want {
					t.Errorf("at start the file holds %q, want %q", got, tc.want)
				}
				r.sys.Files.Write(p, "9")
				r.reload(fileConf(tc.fileExtra, ""))
				if got := contents(); got != tc.reloaded {
					t.Errorf("after a reload the file holds %q, want %q", got, tc.reloaded)
				}
			})
		})
	}
}

// TestTrackFileMissingDirectory: a file whose directory does not exist is
// removed with its entries, as keepalived does; unused files are not
// watched at all.
func TestTrackFileMissingDirectory(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conf := `track_file gone {
    file /missing/prio
    weight 0
}
track_file unused {
    file /run/track/unused
    init_file 3
}
` + instance("VI_1", 1, 100, "    track_file {\n        gone\n    }")
		r := newRig(t, conf)
		r.sys.Files.RemoveDir("/missing")
		r.start()
		r.sys.Files.Write("/missing/prio", "1")
		r.want("start", map[string]got{"VI_1": {100, false}})
		if !r.logged("track_file gone removed", "name=gone") {
			t.Errorf("no log of the removed file:\n%s", r.logs)
		}
		if _, ok := r.sys.Files.Contents("/run/track/unused"); ok {
			t.Error("init_file of an unused track_file was applied")
		}
		if len(r.tr.FileValues()) != 0 {
			t.Errorf("file values %v, want none", r.tr.FileValues())
		}
	})
}

// TestTrackFileWatchFails: when files cannot be watched at all, their
// entries are ignored.
func TestTrackFileWatchFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, fileConf("    weight 0", ""))
		r.sys.Files.FailWatch(errors.New("too many open files"))
		r.sys.Files.Write("/run/track/prio", "1")
		r.start()
		r.want("start", map[string]got{"VI_1": {100, false}})
		if !r.logged("track_file entries ignored", "too many open files") {
			t.Errorf("no log of the failure:\n%s", r.logs)
		}
	})
}
