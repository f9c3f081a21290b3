package engine

import (
	"errors"
	"fmt"

	"github.com/goalived/goalived/parser"
	"github.com/goalived/goalived/script"
)

// commands turns parsed script lines into runnable commands with their
// identity and resolved path, applying keepalived's script_user and
// enable_script_security rules (reference 3.4). A script that may not run
// is reported, not silently dropped.
type commands struct {
	def      script.Identity
	defErr   error
	security bool
}

func newCommands(g parser.GlobalDefs) *commands {
	c := &commands{security: g.EnableScriptSecurity}
	user, group := "", ""
	if g.ScriptUser != nil {
		user, group = g.ScriptUser.User, g.ScriptUser.Group
		if g.ScriptUser.SupplementaryGroups {
			group = ":" + group
		}
	}
	c.def, c.defErr = script.DefaultIdentity(user, group, g.EnableScriptSecurity)
	return c
}

// command resolves pc; warnings are for the log.
func (c *commands) command(pc *parser.Command) (cmd script.Command, warnings []string, err error) {
	id := c.def
	if pc.User != "" {
		group := pc.Group
		if pc.SupplementaryGroups {
			group = ":" + group
		}
		if id, err = script.LookupIdentity(pc.User, group); err != nil {
			return cmd, nil, fmt.Errorf("script %q: %w", pc.Cmd, err)
		}
	} else if c.defErr != nil {
		return cmd, nil, fmt.Errorf("script %q: %w", pc.Cmd, c.defErr)
	}
	if len(pc.Argv) == 0 {
		return cmd, nil, fmt.Errorf("script %q: %w", pc.Cmd, script.ErrNoArgv)
	}
	cmd = script.Command{Argv: pc.Argv, User: &id}
	if script.IsShellTest(pc.Argv[0]) {
		return cmd, nil, nil
	}
	path, searched, err := script.LookPath(pc.Argv[0], id)
	if err != nil {
		return cmd, nil, err
	}
	if searched {
		warnings = append(warnings, script.PathSearchWarning(pc.Argv[0], path))
	}
	cmd.Path = path
	err = script.CheckSecure(path, int(id.UID), int(id.GID))
	switch {
	case err == nil:
	case errors.Is(err, script.ErrInsecure) && !c.security:
		warnings = append(warnings, fmt.Sprintf("Unsafe permissions found for script '%s': %v", path, err))
	default:
		return cmd, warnings, fmt.Errorf("script %q disabled: %w", path, err)
	}
	return cmd, warnings, nil
}
