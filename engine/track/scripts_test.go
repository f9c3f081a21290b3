package track_test

import (
	"errors"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/goalived/goalived/engine/track"
	"github.com/goalived/goalived/engine/track/tracktest"
	"github.com/goalived/goalived/script"
	"github.com/goalived/goalived/vrrp"
)

func scriptConf(scriptExtra, entry string, prio int) string {
	return `vrrp_script chk {
    script "/usr/bin/check"
    interval 1
` + scriptExtra + `
}
` + instance("VI_1", 1, prio, "    track_script {\n        chk "+entry+"\n    }")
}

// TestScriptWeights: a vrrp_script's runs, through keepalived's rise/fall
// counter, move the priority by the weight or fault the instance.
func TestScriptWeights(t *testing.T) {
	type run struct {
		ok   bool
		want got
	}
	tests := []struct {
		name               string
		scriptExtra, entry string
		prio               int
		start              got
		runs               []run
	}{
		{"a positive weight adds while up", "    weight 10", "", 100, got{100, false},
			[]run{{true, got{110, false}}, {false, got{100, false}}, {true, got{110, false}}}},
		{"a negative weight subtracts while down", "    weight -10", "", 100, got{100, false},
			[]run{{true, got{100, false}}, {false, got{90, false}}, {true, got{100, false}}}},
		{"weight 0 faults while down", "", "", 100, got{100, false},
			[]run{{false, got{100, true}}, {true, got{100, false}}}},
		{"the entry's weight and reverse", "    weight 5", "weight 10 reverse", 100, got{100, false},
			[]run{{true, got{90, false}}, {false, got{100, false}}}},
		{"reverse weight 0 faults while up", "", "weight 0 reverse", 100, got{100, false},
			[]run{{true, got{100, true}}, {false, got{100, false}}}},
		{"rise 2 fall 3: the first result decides, then counts", "    weight 10\n    rise 2\n    fall 3", "", 100, got{100, false},
			[]run{{true, got{110, false}}, {false, got{110, false}}, {false, got{110, false}}, {false, got{100, false}},
				{true, got{100, false}}, {true, got{110, false}}}},
		{"clamped to 254", "    weight 100", "", 200, got{200, false}, []run{{true, got{254, false}}}},
		{"clamped to 1", "    weight -100", "", 50, got{50, false}, []run{{false, got{1, false}}}},
		{"an owner keeps 255 and can fault", "", "", 255, got{255, false}, []run{{false, got{255, true}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRig(t, scriptConf(tc.scriptExtra, tc.entry, tc.prio)).start()
				r.want("start", map[string]got{"VI_1": tc.start})
				chk := r.sys.Checks.Check("chk")
				for i, run := range tc.runs {
					if !chk.Run(run.ok) {
						t.Fatal("check not running")
					}
					r.want(sprintf("after run %d (%v)", i, run.ok), map[string]got{"VI_1": run.want})
				}
			})
		})
	}
}

// TestScriptCheckConfig: the check gets the script's command, interval,
// timeout, rise and fall, and no carried condition at boot.
func TestScriptCheckConfig(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, scriptConf("    timeout 3\n    rise 2\n    fall 4", "", 100)).start()
		got := r.sys.Checks.Check("chk").Config()
		want := script.CheckConfig{Name: "chk", Command: script.Command{Argv: []string{"/usr/bin/check"}},
			Interval: 1e9, Timeout: 3e9, Rise: 2, Fall: 4}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("check config (-want +got):\n%s", diff)
		}
	})
}

// TestScriptPriorityNotify: with vrrp_notify_priority_changes a priority
// change writes MASTER_PRIORITY or BACKUP_PRIORITY, never in FAULT; the
// instance hears of every change after the first priority.
func TestScriptPriorityNotify(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conf := "global_defs {\n    vrrp_notify_priority_changes\n}\n" + scriptConf("    weight -20", "", 100)
		r := newRig(t, conf)
		vi := r.insts["VI_1"]
		vi.SetState(vrrp.StateMaster)
		r.start()
		chk := r.sys.Checks.Check("chk")
		chk.Run(false)
		r.want("down", map[string]got{"VI_1": {80, false}})
		vi.SetState(vrrp.StateBackup)
		chk.Run(true)
		r.want("up", map[string]got{"VI_1": {100, false}})
		vi.SetState(vrrp.StateFault)
		chk.Run(false)
		r.want("down in FAULT", map[string]got{"VI_1": {80, false}})
		want := []string{`INSTANCE "VI_1" MASTER_PRIORITY 80`, `INSTANCE "VI_1" BACKUP_PRIORITY 100`}
		if diff := cmp.Diff(want, r.host.Lines()); diff != "" {
			t.Errorf("FIFO lines (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int{80, 100, 80}, vi.Changes()); diff != "" {
			t.Errorf("priority changes (-want +got):\n%s", diff)
		}
		if !r.logged(`msg="(VI_1) Changing effective priority from 100 to 80"`, "from=100", "to=80") {
			t.Errorf("no log of the change:\n%s", r.logs)
		}
	})
}

// TestScriptDisabled: a script whose command is refused or whose check
// cannot be created is disabled: its entries are ignored, as keepalived
// removes them.
func TestScriptDisabled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conf := `vrrp_script refused {
    script "/usr/bin/unsafe"
}
vrrp_script broken {
    script "/usr/bin/broken"
}
vrrp_script ok {
    script "/usr/bin/ok"
    weight 10
}
` + instance("VI_1", 1, 100, "    track_script {\n        refused\n        broken\n        ok\n    }")
		r := newRig(t, conf)
		r.host.RejectCommand("/usr/bin/unsafe", errors.New("insecure"))
		r.sys.Checks.FailNew("broken", errors.New("cannot"))
		r.start()
		r.want("start", map[string]got{"VI_1": {100, false}})
		r.sys.Checks.Check("ok").Run(true)
		r.want("ok up", map[string]got{"VI_1": {110, false}})
		want := map[string]script.Condition{"refused": track.Disabled, "broken": track.Disabled, "ok": script.Up}
		if diff := cmp.Diff(want, r.tr.Conditions()); diff != "" {
			t.Errorf("conditions (-want +got):\n%s", diff)
		}
		if want := map[string]script.RunStats{"ok": {Runs: 1}}; !cmp.Equal(want, r.tr.CheckStats()) {
			t.Errorf("check stats %v, want %v", r.tr.CheckStats(), want)
		}
		if !r.logged(`msg="Disabling track script refused since not found/accessible"`, "script=refused", "insecure") ||
			!r.logged("script /usr/bin/unsafe rejected") {
			t.Errorf("no log of the refused script:\n%s", r.logs)
		}
	})
}

// TestScriptCarry: a reload keeps the conditions of the scripts whose
// command did not change, so the new instances' first priority has them;
// a changed or new script starts unknown.
func TestScriptCarry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		scripts := func(cmdC string) string {
			return `vrrp_script a {
    script "/usr/bin/a"
    weight 10
}
vrrp_script b {
    script "/usr/bin/b"
    weight -20
}
vrrp_script c {
    script "` + cmdC + `"
    weight 40
}
vrrp_script d {
    script "/usr/bin/d"
}
`
		}
		tracks := "    track_script {\n        a\n        b\n        c\n        d\n    }"
		r := newRig(t, scripts("/usr/bin/c")+instance("VI_1", 1, 100, tracks))
		r.host.RejectCommand("/usr/bin/d", errors.New("insecure"))
		r.start()
		checks := r.sys.Checks
		checks.Check("a").Run(true)
		checks.Check("b").Run(false)
		checks.Check("c").Run(true)
		r.want("before", map[string]got{"VI_1": {100 + 10 - 20 + 40, false}})

		old := map[string]*tracktest.Check{"a": checks.Check("a"), "b": checks.Check("b"), "c": checks.Check("c")}
		r.reload(scripts("/usr/bin/c2") + instance("VI_1", 1, 100, tracks))
		r.want("after reload", map[string]got{"VI_1": {100 + 10 - 20, false}})
		for name, c := range old {
			if !c.Closed() {
				t.Errorf("check %s of the old configuration still running", name)
			}
		}
		want := map[string]script.Condition{"a": script.Up, "b": script.Down, "d": track.Disabled}
		if diff := cmp.Diff(want, r.tr.Conditions()); diff != "" {
			t.Errorf("conditions after reload (-want +got):\n%s", diff)
		}
		checks.Check("c").Run(true)
		checks.Check("a").Run(false)
		r.want("new results", map[string]got{"VI_1": {100 - 20 + 40, false}})
	})
}

// TestScriptLog: each change of condition is logged with the verdict,
// the duration and, for a failure, the script's output.
func TestScriptLog(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, scriptConf("", "", 100)).start()
		chk := r.sys.Checks.Check("chk")
		chk.RunResult(script.Result{TimedOut: true, Output: []byte("  stuck\n"), Duration: 2e9})
		chk.RunResult(script.Result{OK: true, Duration: 1e6})
		r.want("after", map[string]got{"VI_1": {100, false}})
		if !r.logged(`msg="VRRP_Script(chk) timed_out"`, "script=chk", "duration=2s", "output=stuck") {
			t.Errorf("no log of the time-out:\n%s", r.logs)
		}
		if !r.logged(`msg="VRRP_Script(chk) succeeded"`, "duration=1ms") || r.logged("succeeded", "output=") {
			t.Errorf("no log of the success, or one with output:\n%s", r.logs)
		}
		if diff := cmp.Diff(map[string]script.RunStats{"chk": {Runs: 2, Failures: 1, LastDuration: 1e6}}, r.tr.CheckStats()); diff != "" {
			t.Errorf("check stats (-want +got):\n%s", diff)
		}
	})
}

// TestPriority: the priority tracking last gave an instance, before the
// instance itself may have taken it; an instance tracking never saw has
// its own.
func TestPriority(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, scriptConf("    weight 7", "", 100)).start()
		r.sys.Checks.Check("chk").Run(true)
		synctest.Wait()
		if got := r.tr.Priority(r.insts["VI_1"]); got != 107 {
			t.Errorf("Priority = %d, want 107", got)
		}
		other := tracktest.NewInstance(r.cfg.Instances[0])
		other.SetPriority(42)
		if got := r.tr.Priority(other); got != 42 {
			t.Errorf("Priority of an unknown instance = %d, want its own 42", got)
		}
	})
}

// TestScriptStatusLines: keepalived 2.2.7's lines for a check's runs:
// "now returning" at each change of the exit status (rise and fall
// aside, none for a time-out), the VRRP_Script line at each change of
// the condition.
func TestScriptStatusLines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, scriptConf("    weight -10\n    fall 2", "", 100)).start()
		chk := r.sys.Checks.Check("chk")
		for _, res := range []script.Result{
			{OK: true}, {ExitCode: 1}, {ExitCode: 2}, {TimedOut: true, ExitCode: -1}, {OK: true}, {ExitCode: 9, Signal: 9},
		} {
			chk.RunResult(res)
		}
		r.want("after", map[string]got{"VI_1": {100, false}})
		want := []string{
			"VRRP_Script(chk) succeeded",
			"Script `chk` now returning 1",
			"Script `chk` now returning 2",
			"VRRP_Script(chk) failed (exited with status 2)",
			"Script `chk` now returning 0",
			"VRRP_Script(chk) succeeded",
		}
		if diff := cmp.Diff(want, r.messages("chk")); diff != "" {
			t.Errorf("lines (-want +got):\n%s", diff)
		}
	})
}

// TestScriptCarriedNoNewResult: a check a reload keeps goes on from its
// condition, so its first run after the reload writes no
// "VRRP_Script(chk) succeeded" (keepalived writes "considered
// successful on reload" instead, which the engine does).
func TestScriptCarriedNoNewResult(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		conf := scriptConf("    weight 10", "", 100)
		r := newRig(t, conf).start()
		r.sys.Checks.Check("chk").Run(true)
		r.want("up", map[string]got{"VI_1": {110, false}})
		r.reload(conf)
		r.sys.Checks.Check("chk").Run(true)
		r.want("after reload", map[string]got{"VI_1": {110, false}})
		if got := r.messages("VRRP_Script(chk)"); len(got) != 1 {
			t.Errorf("VRRP_Script lines %q, want only the first run's", got)
		}
	})
}
