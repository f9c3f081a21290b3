package main

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// defaultUmask is keepalived's: files it (and the scripts it runs, which
// inherit the mask) create are 0600 (reference 3.3, 4.3).
const defaultUmask = 0o177

// setUmask applies -u/--umask (numeric, as keepalived takes it: octal with
// a leading 0, else decimal as strtoul base 0 would read it) or the default.
// The umask keyword of global_defs is not consulted here: -u wins over it
// in keepalived, and without -u the keyword is reported by goalived -t.
func setUmask(s string) error {
	mask := uint64(defaultUmask)
	if s != "" {
		v, err := strconv.ParseUint(s, 0, 32)
		if err != nil || v > 0o777 {
			return fmt.Errorf("invalid umask %q", s)
		}
		mask = v
	}
	unix.Umask(int(mask))
	return nil
}
