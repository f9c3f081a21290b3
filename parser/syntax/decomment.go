package syntax

import "strings"

// decomment mirrors keepalived's decomment(): it strips leading blanks,
// a comment started by an unquoted '#' or '!', the backslash of an
// unquoted "\#" or "\!", and trailing blanks, including those before a
// final '\' (which only a $NAME= definition gives meaning to; reference
// 1.9). unterminated reports an odd number of double quotes before any
// comment, as keepalived's "Unterminated quote" does.
func decomment(s span) (out span, unterminated bool) {
	s = s.trimLeft()
	if strings.IndexByte(s.text, '\\') < 0 {
		return decommentPlain(s)
	}
	text := []byte(s.text)
	cols := append([]int32(nil), s.columns()...)
	quote := false
	skip := -1
	contCol := int32(-1)
scan:
	for p := 0; p < len(text); p++ {
		switch text[p] {
		case '"':
			if skip < 0 {
				quote = !quote
			}
		case '\\':
			if p+1 == len(text) {
				contCol = cols[p]
				text, cols = text[:p], cols[:p]
				break scan
			}
			if !quote && (text[p+1] == '#' || text[p+1] == '!') {
				text = append(text[:p], text[p+1:]...)
				cols = append(cols[:p], cols[p+1:]...)
			} else {
				p++
			}
		case '#', '!':
			if !quote && skip < 0 {
				skip = p
			}
		}
	}
	if skip >= 0 && skip < len(text) {
		text, cols = text[:skip], cols[:skip]
	}
	out = span{text: string(text), cols: cols}.trimBlanks()
	if contCol >= 0 {
		out = concat(out, fill("\\", contCol))
	}
	return out, quote
}

func (s span) trimLeft() span {
	i := 0
	for i < len(s.text) && isBlank(s.text[i]) {
		i++
	}
	return s.slice(i, len(s.text))
}

// decommentPlain is decomment for text without a backslash, the common
// case: the result is a slice of s, with no allocation.
func decommentPlain(s span) (out span, unterminated bool) {
	quote := false
	for p := 0; p < len(s.text); p++ {
		switch s.text[p] {
		case '"':
			quote = !quote
		case '#', '!':
			if !quote {
				return s.slice(0, p).trimBlanks(), false
			}
		}
	}
	return s.trimBlanks(), quote
}
