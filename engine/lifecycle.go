package engine

import (
	"context"
	"time"

	"github.com/goalived/goalived/config"
)

// defaultScriptTimeout is keepalived's startup_script_timeout and
// shutdown_script_timeout default.
const defaultScriptTimeout = 10 * time.Second

// runGlobalScript runs startup_script (before the instances start) or
// shutdown_script (after they stopped), waiting for it up to its timeout
// as keepalived does. A failure is logged; it does not stop the daemon.
func (e *Engine) runGlobalScript(which string, pc *config.Command, timeout time.Duration) {
	if pc == nil {
		return
	}
	cmd, warns, err := e.cmds.command(pc)
	for _, w := range warns {
		e.log.Warn(w, "script", which)
	}
	if err != nil {
		e.log.Error(which+" disabled", "err", err)
		return
	}
	if timeout <= 0 {
		timeout = defaultScriptTimeout
	}
	cmd.Timeout = timeout
	res, err := e.host.Scripts.Run(context.Background(), cmd)
	switch {
	case err != nil:
		e.log.Error(which+" failed to run", "err", err)
	case res.TimedOut:
		e.log.Warn(which+" timed out", "timeout", timeout)
	case !res.OK:
		e.log.Warn(which+" failed", "exit", res.ExitCode, "signal", res.Signal)
	default:
		e.log.Info(which+" finished", "duration", res.Duration)
	}
}
