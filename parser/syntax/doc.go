// Package syntax is goalived's lexical layer for keepalived.conf: it turns
// configuration text into a tree of statements with positions, doing what
// keepalived 2.2.7's lib/parser.c does before any keyword is looked up.
//
// The pipeline has four stages:
//
//  1. Preprocess (preprocess.go and friends), mirroring read_line():
//     physical lines are read (fgets, MAXBUF 1024), stripped of CR and
//     comments (decomment), run through @ID/@^ID conditionals, $NAME=
//     definitions and ${NAME} substitution (check_definition,
//     find_definition, replace_param), ~SEQ/~LST repetition (add_seq,
//     add_lst), include expansion (check_include, open_glob_file) and
//     finally '{'/'}' splitting into logical lines (line_residue).
//  2. Lex (lexer.go): a participle lexer.Definition whose tokens are the
//     words of the logical lines, split as alloc_strvec_r() does, followed
//     by EOL; '{' and '}' lines are Open and Close tokens. Every token
//     carries the file, line and column it came from in the original text
//     (for macro output: where the macro was used).
//  3. Parse (grammar.go): a participle grammar that nests statements into
//     blocks. It accepts any token sequence; brace problems (extra '}',
//     missing '}', unexpected '{') become warnings, as keepalived's
//     process_stream and init_data report them and carry on.
//  4. Convert (parse.go) to the File/Stmt/Arg/Block types of ast.go.
//
// Keyword meaning (which keywords take blocks, numbers, ...) is not known
// here; parser/ builds the typed model from the tree. Behaviour references
// are to /work/shared/docs/keepalived-reference.md section 1.
package syntax
