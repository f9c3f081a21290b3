package engine

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
)

// The notify FIFOs: global notify_fifo and vrrp_notify_fifo, each with
// an optional reader script that keepalived starts with the FIFO's path
// as its last argument. The Notifier writes every transition's line
// (`INSTANCE "VI_1" MASTER 100`) to all of them; priority changes and
// MASTER_RX_LOWER_PRI go to them through NotifyFIFO.

// fifoConfigs resolves the configured FIFOs. A vrrp_notify_fifo with the
// same path as notify_fifo is ignored, as keepalived does. Warnings are
// for the log; a FIFO that cannot be configured (unknown owner, reader
// script refused) is left out with an error, the others still open.
func fifoConfigs(g config.GlobalDefs, cmds *commands) (cfgs []script.FIFOConfig, warnings []string, err error) {
	var errs []error
	for _, f := range []*config.FIFO{g.NotifyFIFO, g.VRRPNotifyFIFO} {
		if f == nil || f.Path == "" {
			continue
		}
		if f == g.VRRPNotifyFIFO && g.NotifyFIFO != nil && g.NotifyFIFO.Path == f.Path {
			warnings = append(warnings, fmt.Sprintf("vrrp_notify_fifo %s is the same as notify_fifo, ignored", f.Path))
			continue
		}
		fc, warns, err := fifoConfig(f, cmds)
		warnings = append(warnings, warns...)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cfgs = append(cfgs, fc)
	}
	return cfgs, warnings, errors.Join(errs...)
}

func fifoConfig(f *config.FIFO, cmds *commands) (script.FIFOConfig, []string, error) {
	fc := script.FIFOConfig{Path: f.Path}
	if f.User != "" {
		id, err := cmds.host.LookupIdentity(f.User, f.Group)
		if err != nil {
			return fc, nil, fmt.Errorf("notify fifo %s: %w", f.Path, err)
		}
		fc.Owner = &id
	}
	if f.Script == nil {
		return fc, nil, nil
	}
	cmd, warns, err := cmds.command(f.Script)
	if err != nil {
		return fc, warns, fmt.Errorf("notify fifo %s: reader: %w", f.Path, err)
	}
	fc.Reader = &cmd
	return fc, warns, nil
}

// openFIFOs opens the FIFOs of g; one that fails is logged and left
// out, as keepalived carries on without it.
func (e *Engine) openFIFOs(g config.GlobalDefs) []FIFO {
	cfgs, warns, err := fifoConfigs(g, e.cmds)
	for _, w := range warns {
		e.log.Info(w)
	}
	if err != nil {
		e.log.Error(fmt.Sprintf("notify fifo not opened: %v", err), "err", err)
	}
	var out []FIFO
	for _, fc := range cfgs {
		f, err := e.host.FIFOs.Open(fc)
		if err != nil {
			kind := ""
			if g.VRRPNotifyFIFO != nil && fc.Path == g.VRRPNotifyFIFO.Path {
				kind = "vrrp "
			}
			var errno syscall.Errno
			errors.As(err, &errno)
			e.log.Info(fmt.Sprintf("Unable to open %snotify fifo %s - errno %d", kind, fc.Path, int(errno)), "err", err)
			continue
		}
		out = append(out, f)
	}
	return out
}

// stopFIFOReaders kills the reader scripts before the instances stop, so
// that, as with keepalived, a reader we started never sees STOP lines
// (an external reader does).
func stopFIFOReaders(fifos []FIFO) {
	for _, f := range fifos {
		f.StopReader()
	}
}

func closeFIFOs(fifos []FIFO) error {
	var errs []error
	for _, f := range fifos {
		errs = append(errs, f.Close())
	}
	return errors.Join(errs...)
}

// fifoWriters are the FIFOs as the notifier writes to them.
func fifoWriters(fifos []FIFO) []script.FIFOWriter {
	out := make([]script.FIFOWriter, len(fifos))
	for i, f := range fifos {
		out[i] = f
	}
	return out
}

// notifyEvent writes an event line (MASTER_PRIORITY,
// BACKUP_PRIORITY) to the FIFOs only.
func (e *Engine) notifyEvent(name, state string, prio int) {
	if e.notifier == nil {
		return
	}
	t := script.Transition{Name: name, State: state, Priority: prio}
	if err := e.notifier.NotifyFIFO(t); err != nil {
		e.log.Warn(fmt.Sprintf("(%s) %s not written to the notify fifo: %v", name, state, err), "instance", name, "state", state, "err", err)
	}
}
