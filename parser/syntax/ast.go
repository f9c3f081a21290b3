package syntax

import "fmt"

// Pos is where a token came from: the file that held it after include
// expansion, and its 1-based line and column (columns count bytes, as
// go/scanner does).
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

// File is a whole configuration after preprocessing (includes, @conditionals,
// $macros, ~SEQ/~LST) and brace splitting.
type File struct {
	Stmts []*Stmt
}

// Stmt is one logical line: a keyword, its arguments, and the block that
// followed it, if any. In list blocks (virtual_ipaddress, track_script, ...)
// the first word of each line is the Keyword.
type Stmt struct {
	Pos     Pos    // position of the keyword
	Keyword string // first token, exactly as written (keywords are case-sensitive)
	Args    []Arg  // the remaining tokens, split as keepalived's alloc_strvec does
	// Raw is the text after the keyword, after preprocessing, before
	// tokenising (quotes kept). Script-like keywords (notify*, script, ...)
	// re-parse it with single and double quotes, as keepalived does.
	Raw   string
	Block *Block // nil when no '{' followed
}

// Arg is one argument token.
type Arg struct {
	Pos    Pos
	Text   string // quotes removed
	Quoted bool   // the token was a double-quoted string
}

// Block is a brace-delimited list of statements.
type Block struct {
	Open  Pos // position of '{'
	Close Pos // position of '}' (zero when missing at end of file)
	Stmts []*Stmt
}
