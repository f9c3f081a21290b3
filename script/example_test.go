package script_test

import (
	"context"
	"fmt"
	"time"

	"github.com/goalived/goalived/script"
)

// Example shows how cmd/goalived wires one vrrp_script and the notify
// scripts of one instance: split the keyword line, pick the identity,
// check security at load, run the check, recompute the priority on each
// event and notify on state changes.
func Example() {
	argv := []string{"/bin/sh", "-c", "exit 1"} // the configuration's split command line
	id, err := script.DefaultIdentity("", "", false)
	if err != nil {
		panic(err) // keepalived drops scripts without a usable user
	}
	prep, err := script.PrepareScript(argv, id) // once, at (re)load
	if err != nil || prep.Insecure != nil {
		panic(err) // keepalived disables it (insecure: with enable_script_security)
	}
	argv = prep.Argv
	chk, err := script.NewCheck(script.CheckConfig{
		Name: "chk_kinit", Command: script.Command{Argv: argv, User: &id},
		Interval: 5 * time.Second, Timeout: 4 * time.Second, Rise: 5, Fall: 2,
	})
	if err != nil {
		panic(err)
	}
	events := make(chan script.CheckEvent, 1)
	chk.Start(events)
	defer chk.Close()

	trackers := []script.Tracker{{Kind: script.TrackScript, Name: "chk_kinit", Weight: -50}}
	ev := <-events // the first result counts at once
	trackers[0].Cond = script.Down
	if ev.OK {
		trackers[0].Cond = script.Up
	}
	prio := script.Evaluate(100, trackers)
	fmt.Println(ev.Name, "ok:", ev.OK, "effective priority:", prio.Effective)

	n := script.NewNotifier(script.NotifierConfig{})
	n.Notify(script.NotifyScripts{Generic: &script.Command{Argv: []string{"/bin/true"}}},
		script.Transition{Name: "VI_1", State: "BACKUP", Priority: prio.Effective})
	n.Close(context.Background())
	// Output: chk_kinit ok: false effective priority: 50
}
