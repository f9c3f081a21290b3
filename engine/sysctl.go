package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// sysctls sets kernel settings keepalived sets for some options and puts
// the original values back when the daemon stops (reference 3.15:
// "restores sysctls"): promote_secondaries on an instance's interface,
// so that removing a VIP that happens to be the primary address of its
// subnet does not take the secondaries with it, and disable_local_igmp,
// which stops IGMP reports for link-local groups (224.0.0.18 included)
// that some switches mishandle.
type sysctls struct {
	root     string            // "/proc/sys"; tests point it elsewhere
	original map[string]string // path -> value before we changed it
}

func newSysctls() *sysctls { return &sysctls{root: "/proc/sys", original: map[string]string{}} }

// set writes value to the sysctl at rel (e.g. "net/ipv4/conf/eth0/promote_secondaries"),
// remembering the first original value.
func (s *sysctls) set(rel, value string) error {
	path := filepath.Join(s.root, rel)
	old, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read sysctl %s: %w", rel, err)
	}
	if _, seen := s.original[path]; !seen {
		s.original[path] = strings.TrimSpace(string(old))
	}
	if err := os.WriteFile(path, []byte(value), 0o644); err != nil {
		return fmt.Errorf("set sysctl %s=%s: %w", rel, value, err)
	}
	return nil
}

// restore writes every original value back.
func (s *sysctls) restore() error {
	var errs []error
	for path, v := range s.original {
		if err := os.WriteFile(path, []byte(v), 0o644); err != nil {
			errs = append(errs, fmt.Errorf("restore sysctl %s: %w", path, err))
		}
	}
	s.original = map[string]string{}
	return errors.Join(errs...)
}

// applySysctls sets what the configuration asks for.
func (e *Engine) applySysctls() error {
	var errs []error
	if e.cfg.Global.DisableLocalIGMP {
		errs = append(errs, e.sysctl.set("net/ipv4/igmp_link_local_mcast_reports", "0"))
	}
	for _, in := range e.cfg.Instances {
		if in.PromoteSecondaries && in.Interface != "" && in.Family != "inet6" {
			errs = append(errs, e.sysctl.set(filepath.Join("net/ipv4/conf", in.Interface, "promote_secondaries"), "1"))
		}
	}
	return errors.Join(errs...)
}
