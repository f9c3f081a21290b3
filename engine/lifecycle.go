package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/engine/kalog"
	"github.com/goalived/goalived/engine/track"
)

// defaultScriptTimeout is keepalived's startup_script_timeout and
// shutdown_script_timeout default.
const defaultScriptTimeout = 10 * time.Second

// runGlobalScript runs startup_script (before the instances start) or
// shutdown_script (after they stopped), waiting for it up to its timeout
// as keepalived does. A failure is logged; it does not stop the daemon.
// keepalived's parent runs them and writes their lines (core/main.c),
// "startup script script failed, status 1" with its doubled word.
func (e *Engine) runGlobalScript(which string, pc *config.Command, timeout time.Duration) {
	if pc == nil {
		return
	}
	log := e.log.With(kalog.Parent)
	what := strings.TrimSuffix(which, "_script") // startup, shutdown
	cmd, warns, err := e.cmds.command(pc)
	for _, w := range warns {
		log.Info(w, "script", which)
	}
	if err != nil {
		for _, l := range track.RefusalLines(pc.Argv[0], err) {
			log.Info(l, "script", which)
		}
		log.Info(fmt.Sprintf("Call of %s script %s failed", what, pc.Cmd), "err", err)
		return
	}
	if timeout <= 0 {
		timeout = defaultScriptTimeout
	}
	cmd.Timeout = timeout
	log.Log(context.Background(), kalog.LevelDetail, fmt.Sprintf("Running %s script %s", what, pc.Cmd))
	res, err := e.host.Scripts.Run(context.Background(), cmd)
	switch {
	case err != nil || res.ExecErr != nil:
		log.Info(fmt.Sprintf("Call of %s script %s failed", what, pc.Cmd), "err", err, "exec_err", res.ExecErr)
	case res.TimedOut:
		log.Info(fmt.Sprintf("%s script timed out", what), "timeout", timeout)
	case !res.OK && res.Signal == 0:
		log.Info(fmt.Sprintf("%s script script failed, status %d", what, res.ExitCode), "exit", res.ExitCode)
	case !res.OK:
		// keepalived writes nothing for a script killed by a signal.
		log.Log(context.Background(), kalog.LevelDetail, fmt.Sprintf("%s script killed by signal %d", what, res.Signal))
	default:
		log.Log(context.Background(), kalog.LevelDetail, fmt.Sprintf("%s script script succeeded", what), "duration", res.Duration)
	}
}
