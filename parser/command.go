package parser

import (
	"strconv"
	"strings"
)

// splitQuotedSlots splits the raw text after a script-like keyword as
// keepalived's alloc_strvec_quoted does (reference 1.4): blanks separate
// slots; a slot starting with ' or " runs to the matching unescaped quote,
// and \<quote> inside it stands for the quote. Other backslashes are kept
// for the second pass (splitCommand). ok is false for an unmatched quote.
func splitQuotedSlots(raw string) (slots []string, ok bool) {
	i := 0
	for {
		for i < len(raw) && isBlank(raw[i]) {
			i++
		}
		if i >= len(raw) {
			return slots, true
		}
		if q := raw[i]; q == '"' || q == '\'' {
			var b strings.Builder
			j := i + 1
			for ; j < len(raw) && raw[j] != q; j++ {
				if raw[j] == '\\' && j+1 < len(raw) && raw[j+1] == q {
					j++
				}
				b.WriteByte(raw[j])
			}
			if j >= len(raw) {
				return append(slots, b.String()), false
			}
			slots = append(slots, b.String())
			i = j + 1
			continue
		}
		j := i
		for j < len(raw) && !isBlank(raw[j]) {
			j++
		}
		slots = append(slots, raw[i:j])
		i = j
	}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// splitCommand splits a command string into argv as keepalived's
// alloc_strvec_quoted_escaped does (reference 1.4): blanks separate words,
// '...' and "..." group (quotes removed, may join parts of a word), and
// backslash escapes are decoded outside single quotes.
func splitCommand(cmd string) []string {
	var argv []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(cmd); i++ {
		c := cmd[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '\'' || c == '"'):
			quote, inWord = c, true
		case quote == 0 && isBlank(c):
			if inWord {
				argv = append(argv, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\\' && quote != '\'' && i+1 < len(cmd):
			var n int
			n = decodeEscape(cmd[i+1:], &cur)
			i += n
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		argv = append(argv, cur.String())
	}
	return argv
}

// decodeEscape decodes the escape whose text (after the backslash) starts
// s, writes the result and returns how many bytes of s it used.
func decodeEscape(s string, out *strings.Builder) int {
	simple := map[byte]byte{'a': '\a', 'b': '\b', 'E': 0x1b, 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v'}
	c := s[0]
	if r, ok := simple[c]; ok {
		out.WriteByte(r)
		return 1
	}
	switch {
	case c >= '0' && c <= '7':
		n := 1
		for n < 3 && n < len(s) && s[n] >= '0' && s[n] <= '7' {
			n++
		}
		v, _ := strconv.ParseUint(s[:n], 8, 16)
		out.WriteByte(byte(v))
		return n
	case c == 'x' && len(s) > 1 && isHex(s[1]):
		// keepalived 2.2.7 consumes any number of hex digits (reference 1.4).
		n := 1
		var v byte
		for n < len(s) && isHex(s[n]) {
			d, _ := strconv.ParseUint(s[n:n+1], 16, 8)
			v = v<<4 | byte(d)
			n++
		}
		out.WriteByte(v)
		return n
	case c == 'c' && len(s) > 1:
		out.WriteByte(s[1] & 0x1f)
		return 2
	}
	out.WriteByte(c)
	return 1
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
