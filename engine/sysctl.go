package engine

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/goalived/goalived/config"
)

// sysctls sets kernel settings keepalived sets for some options and puts
// the original values back when the daemon stops, as keepalived restores
// them at shutdown: promote_secondaries on an instance's interface, so
// that removing a VIP that happens to be the primary address of its
// subnet does not take the secondaries with it, and disable_local_igmp,
// which stops IGMP reports for link-local groups (224.0.0.18 included)
// that some switches mishandle.
type sysctls struct {
	host     Sysctls
	names    []string          // changed settings, in the order first set
	original map[string]string // name -> value before we changed it
}

func newSysctls(host Sysctls) *sysctls { return &sysctls{host: host, original: map[string]string{}} }

// set writes value to the setting name (e.g.
// "net/ipv4/conf/eth0/promote_secondaries"), remembering the first
// original value.
func (s *sysctls) set(name, value string) error {
	old, err := s.host.Get(name)
	if err != nil {
		return fmt.Errorf("read sysctl %s: %w", name, err)
	}
	if _, seen := s.original[name]; !seen {
		s.original[name] = strings.TrimSpace(old)
		s.names = append(s.names, name)
	}
	if err := s.host.Set(name, value); err != nil {
		return fmt.Errorf("set sysctl %s=%s: %w", name, value, err)
	}
	return nil
}

// restore writes every original value back, in the order they were
// first changed.
func (s *sysctls) restore() error {
	var errs []error
	for _, name := range s.names {
		if err := s.host.Set(name, s.original[name]); err != nil {
			errs = append(errs, fmt.Errorf("restore sysctl %s: %w", name, err))
		}
	}
	s.names, s.original = nil, map[string]string{}
	return errors.Join(errs...)
}

// applySysctls sets what the configuration asks for.
func (e *Engine) applySysctls() error {
	var errs []error
	if e.cfg.Global.DisableLocalIGMP {
		errs = append(errs, e.sysctl.set("net/ipv4/igmp_link_local_mcast_reports", "0"))
	}
	for _, in := range e.cfg.Instances {
		if in.PromoteSecondaries && in.Interface != "" && in.Family != config.IPv6 {
			errs = append(errs, e.sysctl.set(path.Join("net/ipv4/conf", in.Interface, "promote_secondaries"), "1"))
		}
	}
	return errors.Join(errs...)
}
