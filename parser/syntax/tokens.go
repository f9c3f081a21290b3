package syntax

import "strings"

// word is one token of a logical line; off is its byte offset in the line
// (of the opening quote for a quoted token).
type word struct {
	text   string
	quoted bool
	off    int32 // lines are shorter than maxLine: int32 keeps word at 24 bytes
}

// tokenize mirrors keepalived's alloc_strvec_r: white space separates
// tokens; a token starting with '"' runs to the next '"' and loses its
// quotes; a '"' inside an unquoted token ends it. A quote that is never
// closed drops the rest of the line; unmatched is its offset, or -1.
func tokenize(s string) (words []word, unmatched int) {
	return appendWords(nil, s)
}

// appendWords is tokenize appending to dst, so that the words of all lines
// can share one slice.
func appendWords(dst []word, s string) (words []word, unmatched int) {
	i := 0
	for {
		for i < len(s) && isWhite(s[i]) {
			i++
		}
		if i == len(s) {
			return dst, -1
		}
		start := i
		if s[i] == '"' {
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return dst, start
			}
			dst = append(dst, word{text: s[i+1 : i+1+end], quoted: true, off: int32(start)})
			i += end + 2
			continue
		}
		for i < len(s) && !isWhite(s[i]) && s[i] != '"' {
			i++
		}
		dst = append(dst, word{text: s[start:i], off: int32(start)})
	}
}
