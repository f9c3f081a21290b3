package parser

import (
	"strconv"
	"strings"

	"github.com/goalived/goalived/parser/syntax"
)

// rawText returns the statement's text after the keyword. Hand-built trees
// may lack Raw; the arguments are re-quoted then.
func rawText(s *syntax.Stmt) string {
	if s.Raw != "" || len(s.Args) == 0 {
		return s.Raw
	}
	parts := make([]string, len(s.Args))
	for i, a := range s.Args {
		parts[i] = a.Text
		if a.Quoted {
			parts[i] = strconv.Quote(a.Text)
		}
	}
	return strings.Join(parts, " ")
}

// command parses a script-like keyword: "CMD ARGS" [USER [[:]GROUP]]
// (reference 1.4). withUser tells whether trailing words name a user
// (notify keywords) or are ignored (vrrp_script's script). A nil result
// means the script is dropped; a warning says why.
func (b *builder) command(s *syntax.Stmt, withUser bool) *Command {
	slots, ok := splitQuotedSlots(rawText(s))
	if !ok {
		b.warnf(s.Pos, s.Keyword, "unmatched quote, script ignored")
		return nil
	}
	if len(slots) == 0 || strings.TrimSpace(slots[0]) == "" {
		b.warnf(s.Pos, s.Keyword, "missing command")
		return nil
	}
	c := &Command{Cmd: slots[0], Argv: splitCommand(slots[0]), pos: s.Pos, kw: s.Keyword}
	if len(c.Argv) == 0 {
		b.warnf(s.Pos, s.Keyword, "missing command")
		return nil
	}
	if !withUser {
		if len(slots) > 1 {
			b.warnf(argPos(s, 1), s.Keyword, "words after the command are ignored: %s (put the command and its arguments in one quoted string)", strings.Join(slots[1:], " "))
		}
		return c
	}
	if len(slots) > 1 {
		u, ok := b.user(s, slots[1:], true)
		if !ok {
			return nil
		}
		c.User, c.Group, c.SupplementaryGroups = u.User, u.Group, u.SupplementaryGroups
	}
	return c
}

// user parses "USER [[:]GROUP]" from words and checks them with the lookup
// hooks. For notify keywords a missing user usually means an unquoted
// command with arguments, which keepalived silently drops (reference 1.4).
func (b *builder) user(s *syntax.Stmt, ws []string, notify bool) (*User, bool) {
	u := &User{User: ws[0]}
	if len(ws) > 1 {
		g := ws[1]
		if strings.HasPrefix(g, ":") {
			u.SupplementaryGroups = true
			g = g[1:]
		}
		u.Group = g
	}
	if !b.opts.UserExists(u.User) {
		msg := "script user '%s' does not exist"
		if notify {
			msg += ", script ignored (an unquoted word after the command is taken as a user name: put the command and its arguments in one quoted string)"
		}
		b.warnf(s.Pos, s.Keyword, msg, u.User)
		return nil, false
	}
	if u.Group != "" && !b.opts.GroupExists(u.Group) {
		b.warnf(s.Pos, s.Keyword, "script group '%s' does not exist, script ignored", u.Group)
		return nil, false
	}
	if len(ws) > 2 {
		b.warnf(s.Pos, s.Keyword, "words after the group are ignored: %s", strings.Join(ws[2:], " "))
	}
	return u, true
}
