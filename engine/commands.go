package engine

import (
	"fmt"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/script"
)

// commands turns parsed script lines into runnable commands with their
// identity and resolved path (the host's Scripts does keepalived's
// load-time steps), applying keepalived's script_user and
// enable_script_security rules: a script runs as script_user (or its own
// user), and with enable_script_security one that a non-root user could
// change is disabled, without it only reported. A script that may not run
// is reported, not silently dropped.
type commands struct {
	host     Scripts
	def      script.Identity
	defErr   error
	security bool
}

func newCommands(g config.GlobalDefs, host Scripts) *commands {
	c := &commands{host: host, security: g.EnableScriptSecurity}
	user, group := "", ""
	if g.ScriptUser != nil {
		user, group = g.ScriptUser.User, g.ScriptUser.Group
		if g.ScriptUser.SupplementaryGroups {
			group = ":" + group
		}
	}
	c.def, c.defErr = host.DefaultIdentity(user, group, g.EnableScriptSecurity)
	return c
}

// command resolves pc; warnings are for the log.
func (c *commands) command(pc *config.Command) (cmd script.Command, warnings []string, err error) {
	id := c.def
	if pc.User != "" {
		group := pc.Group
		if pc.SupplementaryGroups {
			group = ":" + group
		}
		if id, err = c.host.LookupIdentity(pc.User, group); err != nil {
			return cmd, nil, fmt.Errorf("script %q: %w", pc.Cmd, err)
		}
	} else if c.defErr != nil {
		return cmd, nil, fmt.Errorf("script %q: %w", pc.Cmd, c.defErr)
	}
	p, err := c.host.Prepare(pc.Argv, id)
	if err != nil {
		return cmd, nil, fmt.Errorf("script %q disabled: %w", pc.Cmd, err)
	}
	cmd = script.Command{Argv: p.Argv, User: &id}
	if p.Insecure != nil {
		if c.security {
			return cmd, p.Warnings, fmt.Errorf("script %q disabled: %w", pc.Cmd, p.Insecure)
		}
		p.Warnings = append(p.Warnings, fmt.Sprintf("Unsafe permissions found for script '%s'.", p.Argv[0]))
	}
	return cmd, p.Warnings, nil
}
