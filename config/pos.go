package config

import "fmt"

// Pos is where a configuration item was written: the file that held it
// after include expansion and its 1-based line and column. It has the
// fields of the parser's syntax position, so the parser converts one into
// the other, and the model does not depend on the parser.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	if p.File == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}
