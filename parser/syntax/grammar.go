package syntax

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar over logical lines. It accepts every token sequence the
// lexer can produce, so participle never fails on user input: a '}' at
// top level is a Stray, a '{' that follows no statement (or one that
// already has a block) is an Orphan, and a block may end at EOF without
// its '}'. The brace problems become diagnostics in convert.
//
//	file    = topItem* EOF
//	topItem = stmt | orphan | Close
//	stmt    = (Word|String) (Word|String)* EOL block?
//	block   = Open item* Close?
//	item    = stmt | orphan
type gFile struct {
	Items []*gTop `parser:"@@*"`
}

type gTop struct {
	Stmt   *gStmt      `parser:"@@"`
	Orphan *gBlock     `parser:"| @@"`
	Stray  lexer.Token `parser:"| @Close"`
}

type gItem struct {
	Stmt   *gStmt  `parser:"@@"`
	Orphan *gBlock `parser:"| @@"`
}

type gStmt struct {
	Keyword lexer.Token `parser:"@(Word | String)"`
	Args    []*gArg     `parser:"@@* EOL"`
	Block   *gBlock     `parser:"@@?"`
}

type gArg struct {
	Tok lexer.Token `parser:"@(Word | String)"`
}

type gBlock struct {
	Open  lexer.Token  `parser:"@Open"`
	Items []*gItem     `parser:"@@*"`
	Close *lexer.Token `parser:"@Close?"`
}

var grammar = participle.MustBuild[gFile](
	participle.Lexer(lexDef{syms: symbols}),
	participle.UseLookahead(1),
)
