package parser

import (
	"errors"
	"fmt"
	"strings"
)

// errEmptyCommand is returned by splitCommand for a command string that
// holds no words at all.
var errEmptyCommand = errors.New("empty command")

// blanks is keepalived's WHITE_SPACE_STR.
const blanks = " \t\f\n\r\v"

// splitCommand splits a script command string into argv words exactly as
// keepalived 2.2.7's alloc_strvec_quoted_escaped does (reference 1.4):
//
//   - blanks (space, \t, \f, \n, \r, \v) separate words outside quotes;
//   - '...' and "..." group text into the current word and are removed; the
//     two quote kinds nest inside each other literally ("it's" is one word);
//   - a backslash escapes inside and outside quotes (unlike a shell, also
//     inside single quotes): \a \b \E(ESC) \f \n \r \t \v; \nnn with one to
//     three octal digits; \xH... with any number of hex digits, of which
//     only the low 8 bits of the value survive (2.2.7 accumulates into a
//     char, so \x4142 is 'B'; HEAD stops after two digits); \cC is C&0x1f;
//     \ followed by any other character (including a blank or a quote) is
//     that character. \x not followed by a hex digit is "x", and \c at the
//     very end is "c".
//
// keepalived stores each word as a C string, so a word is cut at the first
// NUL byte produced by an escape (\0, \x00, \c@): "ab\0cd" yields "ab".
// An unterminated quote or a trailing lone backslash is an error, as is a
// string without any word.
func splitCommand(s string) ([]string, error) {
	var words []string
	i := 0
	for {
		for i < len(s) && strings.IndexByte(blanks, s[i]) >= 0 {
			i++
		}
		if i >= len(s) {
			break
		}
		word, next, err := splitWord(s, i)
		if err != nil {
			return nil, fmt.Errorf("split command %q: %w", s, err)
		}
		words = append(words, word)
		i = next
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("split command %q: %w", s, errEmptyCommand)
	}
	return words, nil
}

// splitWord reads one word starting at s[i] (not a blank) and returns it,
// cut at the first NUL, with the index just after it.
func splitWord(s string, i int) (string, int, error) {
	// Fast path: a plain word (no quote, escape or NUL) is a substring.
	j := i
	for j < len(s) && strings.IndexByte(blanks, s[j]) < 0 && strings.IndexByte("\\\"'\x00", s[j]) < 0 {
		j++
	}
	if j == len(s) || strings.IndexByte(blanks, s[j]) >= 0 {
		return s[i:j], j, nil
	}
	var b strings.Builder
	var quote byte
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\\':
			ch, n, err := unescape(s[i+1:])
			if err != nil {
				return "", 0, err
			}
			b.WriteByte(ch)
			i += 1 + n
		case quote != 0 && c == quote:
			quote = 0
			i++
		case quote != 0:
			b.WriteByte(c)
			i++
		case c == '"' || c == '\'':
			quote = c
			i++
		case strings.IndexByte(blanks, c) >= 0:
			return cutNUL(b.String()), i, nil
		default:
			b.WriteByte(c)
			i++
		}
	}
	if quote != 0 {
		return "", 0, fmt.Errorf("missing terminating %c", quote)
	}
	return cutNUL(b.String()), i, nil
}

// cutNUL mimics keepalived's STRNDUP of a buffer that may contain NULs.
func cutNUL(w string) string {
	if k := strings.IndexByte(w, 0); k >= 0 {
		return w[:k]
	}
	return w
}

// unescape decodes the escape whose text (after the backslash) starts at
// rest, returning the byte and how many bytes of rest it consumed.
func unescape(rest string) (byte, int, error) {
	if rest == "" {
		return 0, 0, errors.New("missing escape char at end")
	}
	c := rest[0]
	switch {
	case c == 'x' && len(rest) > 1 && isHex(rest[1]):
		var v byte
		n := 1
		for n < len(rest) && isHex(rest[n]) {
			v = v<<4 | hexVal(rest[n])
			n++
		}
		return v, n, nil
	case c == 'c' && len(rest) > 1:
		return rest[1] & 0x1f, 2, nil
	case c >= '0' && c <= '7':
		v := c - '0'
		n := 1
		for n < 3 && n < len(rest) && rest[n] >= '0' && rest[n] <= '7' {
			v = v<<3 + (rest[n] - '0')
			n++
		}
		return v, n, nil
	}
	if e, ok := simpleEscapes[c]; ok {
		return e, 1, nil
	}
	return c, 1, nil
}

var simpleEscapes = map[byte]byte{
	'a': '\a', 'b': '\b', 'E': 0x1b, 'f': '\f',
	'n': '\n', 'r': '\r', 't': '\t', 'v': '\v',
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// splitScriptLine is what keepalived 2.2.7 does with a script-like keyword
// line (`script`, `notify*`, `*_fifo_script`, ...): raw is the statement
// text after the keyword, quotes included, comments already removed. The
// line is split with the same rules as splitCommand first (slot 0 is the
// command string, the trailing slots are USER [[:]GROUP] for notify
// keywords and ignored for vrrp_script), and slot 0 is split again into
// argv. Escapes are therefore decoded twice — observed with 2.2.7:
//
//	script "/x s \\x41"    -> argv [/x s A]      (\\ -> \, then \x41 -> A)
//	script "/x a\ b"       -> argv [/x a b]      (3 words, not 2)
//	script "/x a\0b c"     -> argv [/x a]        (the NUL ends slot 0)
//	notify_stop /x\ n5\ z  -> argv [/x n5 z]     (one slot, unquoted)
//	script "/x '' y"       -> argv [/x "" y]     (empty word kept)
func splitScriptLine(raw string) (argv, trailing []string, err error) {
	slots, err := splitCommand(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("split script line: %w", err)
	}
	argv, err = splitCommand(slots[0])
	if err != nil {
		return nil, nil, fmt.Errorf("split script line: %w", err)
	}
	return argv, slots[1:], nil
}
