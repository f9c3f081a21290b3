package parser

import (
	"errors"
	"strconv"
	"strings"

	"github.com/goalived/goalived/config"
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
// (reference 1.4). The line is split by splitScriptLine, which
// reproduces keepalived 2.2.7's two passes (escapes decoded in both, a
// decoded NUL cuts a word). withUser tells whether trailing words name a
// user (notify keywords) or are ignored (vrrp_script's script). A nil
// result means the script is dropped; a warning says why.
func (b *builder) command(s *syntax.Stmt, withUser bool) *config.Command {
	raw := rawText(s)
	argv, trailing, err := splitScriptLine(raw)
	if err != nil {
		if errors.Is(err, errEmptyCommand) {
			b.warnf(s.Pos, s.Keyword, "missing command")
		} else {
			b.warnf(s.Pos, s.Keyword, "cannot split the command line: %v, script ignored", innermost(err))
		}
		return nil
	}
	// splitScriptLine succeeded, so the first pass has at least one slot.
	slots, _ := splitCommand(raw)
	c := &config.Command{Cmd: slots[0], Argv: argv}
	b.noteCmd(c, s)
	if !withUser {
		if len(trailing) > 0 {
			b.warnf(trailingPos(s, len(trailing)), s.Keyword, "extra words after '%s' ignored: %s (put the command and its arguments in one quoted string)", s.Keyword, strings.Join(trailing, " "))
		}
		return c
	}
	if len(trailing) > 0 {
		u, ok := b.user(s, trailing, true)
		if !ok {
			return nil
		}
		c.User, c.Group, c.SupplementaryGroups = u.User, u.Group, u.SupplementaryGroups
	}
	if len(trailing) > 2 {
		b.warnf(trailingPos(s, len(trailing)-2), s.Keyword, "extra words after '%s' ignored: %s", s.Keyword, strings.Join(trailing[2:], " "))
	}
	return c
}

// trailingPos is the position of the n-th last word of the line: user
// and group words are plain words, so the syntax tokens end with them
// even when the command string was split differently.
func trailingPos(s *syntax.Stmt, n int) syntax.Pos {
	if n <= len(s.Args) {
		return s.Args[len(s.Args)-n].Pos
	}
	return s.Pos
}

// user parses "USER [[:]GROUP]" from words and checks them with the lookup
// hooks. For notify keywords a missing user usually means an unquoted
// command with arguments, which keepalived silently drops (reference 1.4).
func (b *builder) user(s *syntax.Stmt, ws []string, notify bool) (*config.User, bool) {
	u := &config.User{User: ws[0]}
	if len(ws) > 1 {
		g := ws[1]
		if strings.HasPrefix(g, ":") {
			u.SupplementaryGroups = true
			g = g[1:]
		}
		u.Group = g
	}
	// keepalived 2.2.7 reports a bad user of a notify script at info
	// level only ("Invalid user/group for notify script ... - ignoring"):
	// a note; for script_user and a vrrp_script's user it is an error.
	report := b.warnf
	if notify {
		report = b.notef
	}
	if !b.opts.UserExists(u.User) {
		msg := "script user '%s' does not exist"
		if notify {
			msg += ", script ignored (an unquoted word after the command is taken as a user name: put the command and its arguments in one quoted string)"
		}
		report(s.Pos, s.Keyword, msg, u.User)
		return nil, false
	}
	if u.Group != "" && !b.opts.GroupExists(u.Group) {
		report(s.Pos, s.Keyword, "script group '%s' does not exist, script ignored", u.Group)
		return nil, false
	}
	return u, true
}

// innermost returns the error at the end of err's wrap chain: the cause
// without the splitter's operation prefixes, which repeat the line.
func innermost(err error) error {
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		err = u
	}
	return err
}
