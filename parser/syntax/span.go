package syntax

import "strings"

// span is text with, for every byte, the 1-based column it came from in
// the physical line. Text produced by a macro carries the column of the
// '$' that produced it, so diagnostics point at the use site. Most text
// maps one to one onto its line: such a span stores only the column of
// its first byte (cols is nil), so slicing and trimming never allocate.
type span struct {
	text string
	cols []int32 // column of each byte; nil when byte i is at base+i
	base int32
}

// newSpan builds a span for text that starts at column col and maps one
// to one onto the physical line.
func newSpan(text string, col int) span {
	return span{text: text, base: int32(col)}
}

// fill builds a span whose every byte comes from column col.
func fill(text string, col int32) span {
	cols := make([]int32, len(text))
	for i := range cols {
		cols[i] = col
	}
	return span{text: text, cols: cols}
}

func (s span) slice(i, j int) span {
	if s.cols == nil {
		return span{text: s.text[i:j], base: s.base + int32(i)}
	}
	return span{text: s.text[i:j], cols: s.cols[i:j]}
}

// col returns the column of byte i; past the end it continues after the
// last byte so that an end-of-line position is still meaningful.
func (s span) col(i int) int {
	switch {
	case len(s.text) == 0:
		return 1
	case s.cols == nil:
		return int(s.base) + max(0, min(i, len(s.text)))
	case i < 0:
		return int(s.cols[0])
	case i < len(s.cols):
		return int(s.cols[i])
	default:
		return int(s.cols[len(s.cols)-1]) + 1
	}
}

// columns returns the column of every byte, allocating for a one-to-one
// span.
func (s span) columns() []int32 {
	if s.cols != nil {
		return s.cols
	}
	cols := make([]int32, len(s.text))
	for i := range cols {
		cols[i] = s.base + int32(i)
	}
	return cols
}

func concat(parts ...span) span {
	n := 0
	for _, p := range parts {
		n += len(p.text)
	}
	var b strings.Builder
	b.Grow(n)
	cols := make([]int32, 0, n)
	for _, p := range parts {
		b.WriteString(p.text)
		cols = append(cols, p.columns()...)
	}
	return span{text: b.String(), cols: cols}
}

// trimBlanks removes leading and trailing spaces and tabs, the only
// blanks keepalived's read_line and decomment strip.
func (s span) trimBlanks() span {
	i, j := 0, len(s.text)
	for i < j && isBlank(s.text[i]) {
		i++
	}
	for j > i && isBlank(s.text[j-1]) {
		j--
	}
	return s.slice(i, j)
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// isWhite matches keepalived's WHITE_SPACE_STR, used by the tokeniser.
func isWhite(c byte) bool {
	switch c {
	case ' ', '\t', '\f', '\n', '\r', '\v':
		return true
	}
	return false
}
