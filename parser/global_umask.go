package parser

import (
	"strconv"
	"strings"

	"github.com/goalived/goalived/config"
	"github.com/goalived/goalived/parser/syntax"
)

// umaskBits are the names keepalived's umask_handler accepts, each the
// S_I* constant without its prefix.
var umaskBits = []struct {
	name string
	bit  uint32
}{
	{"IRUSR", 0o400}, {"IWUSR", 0o200}, {"IXUSR", 0o100},
	{"IRGRP", 0o040}, {"IWGRP", 0o020}, {"IXGRP", 0o010},
	{"IROTH", 0o004}, {"IWOTH", 0o002}, {"IXOTH", 0o001},
}

// globalUmask: umask NUMBER | BIT[|BIT]... as keepalived 2.2.7's
// umask_handler reads it. A number (first character a digit) is C's
// strtol with base 0 (0x hex, leading 0 octal, else decimal) and must fit
// in 0777; bits are joined by '|', within a word or across words. An
// invalid line leaves the previous mask. -u on the command line wins over
// the keyword (cmd/goalived applies it).
func globalUmask(b *builder, s *syntax.Stmt, g *config.GlobalDefs) {
	first, ok := arg(s, 0)
	if !ok {
		b.warnf(s.Pos, s.Keyword, "Missing parameter(s) to umask option")
		return
	}
	var mask uint32
	if first[0] >= '0' && first[0] <= '9' {
		if len(s.Args) != 1 {
			b.warnf(argPos(s, 1), s.Keyword, "Extra parameter(s) to umask option")
			return
		}
		v, ok := parseCUmask(first)
		if !ok {
			b.warnf(argPos(s, 0), s.Keyword, "invalid umask value %s", first)
			return
		}
		mask = v
	} else {
		v, ok := b.umaskBitsOf(s)
		if !ok {
			return
		}
		mask = v
	}
	g.Umask = &mask
}

// parseCUmask reads s as strtol(s, &end, 0) with nothing left over.
func parseCUmask(s string) (uint32, bool) {
	base, digits := 10, s
	switch {
	case len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		base, digits = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, digits = 8, s[1:]
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil || v > 0o777 {
		return 0, false
	}
	return uint32(v), true
}

// umaskBitsOf ORs the named bits of s's words, reporting what
// keepalived reports.
func (b *builder) umaskBitsOf(s *syntax.Stmt) (uint32, bool) {
	var mask uint32
	needOr := false
	for i, a := range s.Args {
		for p := a.Text; p != ""; {
			if needOr {
				if p[0] != '|' {
					b.warnf(argPos(s, i), s.Keyword, "Invalid umask syntax %s", a.Text)
					return 0, false
				}
				needOr = false
				p = p[1:]
				continue
			}
			found := false
			for _, u := range umaskBits {
				if strings.HasPrefix(p, u.name) {
					mask |= u.bit
					found = true
					break
				}
			}
			if !found {
				b.warnf(argPos(s, i), s.Keyword, "Unknown umask bit %s", p)
				return 0, false
			}
			p = p[5:]
			needOr = true
		}
	}
	if !needOr {
		b.warnf(s.Pos, s.Keyword, "umask missing bit value")
		return 0, false
	}
	return mask, true
}
