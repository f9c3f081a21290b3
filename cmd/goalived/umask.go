package main

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/goalived/goalived/config"
)

// defaultUmask is keepalived's: files it (and the scripts it runs, which
// inherit the mask) create are 0600 (reference 3.3, 4.3).
const defaultUmask = 0o177

// currentUmask is the mask last applied, for files whose mode is chosen
// explicitly (dumps): Go cannot read the umask without changing it. It
// starts at keepalived's default, which setUmask applies first thing.
var currentUmask atomic.Uint32

func init() { currentUmask.Store(defaultUmask) }

// setUmask applies -u/--umask (numeric, as keepalived takes it: octal with
// a leading 0, else decimal as strtoul base 0 would read it) or the default.
// The umask keyword of global_defs comes later, with the configuration
// (applyConfigUmask).
func setUmask(s string) error {
	mask := uint64(defaultUmask)
	if s != "" {
		v, err := strconv.ParseUint(s, 0, 32)
		if err != nil || v > 0o777 {
			return fmt.Errorf("invalid umask %q", s)
		}
		mask = v
	}
	applyUmask(uint32(mask))
	return nil
}

// applyConfigUmask applies global_defs' umask as keepalived 2.2.7 does
// each time it reads the configuration (start and reload): unless -u was
// given, which wins ("umask command line option specified, ignoring
// config option"). A file without the keyword leaves the mask as it is.
func applyConfigUmask(cfg *config.Config, cmdline string, log *slog.Logger) {
	if cfg.Global.Umask == nil {
		return
	}
	if cmdline != "" {
		log.Info("umask command line option specified, ignoring config option")
		return
	}
	applyUmask(*cfg.Global.Umask)
}

func applyUmask(mask uint32) {
	unix.Umask(int(mask))
	currentUmask.Store(mask)
}

// umaskedMode is perm as a file created under the current umask gets it.
func umaskedMode(perm os.FileMode) os.FileMode {
	return perm &^ os.FileMode(currentUmask.Load())
}
