package syntax

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar over logical lines (one token per run of statements or
// per brace, see lexer.go). It accepts every token sequence the lexer can
// produce, so participle never fails on user input: a '}' at top level is
// stray, an Open without a statement is an orphan '{', and a block may end
// at EOF without its '}'. The brace problems become diagnostics in
// convert.
//
//	file  = ( leaf | block | Line | Close )* EOF
//	block = Open ( Line | leaf | block )* Close?
//	leaf  = Open Line? Close
//
// Participle's cost is per token and, above all, per node, so only
// blocks that hold blocks are nodes of their own; a leaf block (most of
// them: vrrp_script, authentication, virtual_ipaddress, track_*, ...) is
// matched inline. A node's Tokens, which participle fills with the tokens
// it matched, hold its statements and leaves in order; the nested nodes,
// in the same order, are in Blocks. The converter walks Tokens.
type gFile struct {
	Tokens []lexer.Token
	Blocks []*gBlock `parser:"( Open Line? Close | @@ | Line | Close )*"`
}

// gBlock is a block; Tokens[0] is its Open, and its Close, if any, is the
// one Close among its own (not nested) tokens.
type gBlock struct {
	Tokens []lexer.Token
	Blocks []*gBlock `parser:"Open ( Line | Open Line? Close | @@ )* Close?"`
}

// grammar is built once: building reflects over the types above. A leaf
// alternative tried on a block that holds a block fails after reading
// two tokens (Open Line), hence a lookahead of 2.
var grammar = participle.MustBuild[gFile](
	participle.Lexer(lexDef{syms: symbols}),
	participle.UseLookahead(2),
)
