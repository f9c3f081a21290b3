package syntax

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar over logical lines (one token per statement or brace, see
// lexer.go). It accepts every token sequence the lexer can produce, so
// participle never fails on user input: a '}' at top level is stray, an
// Open without a statement is an orphan '{', and a block may end at EOF
// without its '}'. The brace problems become diagnostics in convert.
//
//	file  = ( Line | Close | block )* EOF
//	block = Open ( Line | block )* Close?
//
// Only blocks are nodes of their own: a node's Tokens (which participle
// fills with the tokens it matched) hold its statements in order, and the
// nested blocks, in the same order, are in Blocks. Matching a Line costs
// participle no node and no capture; the converter walks Tokens.
type gFile struct {
	Tokens []lexer.Token
	Blocks []*gBlock `parser:"( Line | Close | @@ )*"`
}

// gBlock is a block; Tokens[0] is its Open, and its Close, if any, is the
// one Close among its own (not nested) tokens.
type gBlock struct {
	Tokens []lexer.Token
	Blocks []*gBlock `parser:"Open ( Line | @@ )* Close?"`
}

// grammar is built once: building reflects over the types above.
var grammar = participle.MustBuild[gFile](
	participle.Lexer(lexDef{syms: symbols}),
	participle.UseLookahead(1),
)
