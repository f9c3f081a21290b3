// Package syntax is goalived's lexical layer for keepalived.conf: it turns
// configuration text into a tree of statements with positions, doing what
// keepalived 2.2.7's lib/parser.c does before any keyword is looked up
// (reference section 1 of /work/shared/docs/keepalived-reference.md).
//
// Entry points: Parse (a file, like -f) and ParseBytes (text in memory).
// Both return a *File and every Diagnostic found in one run; they never
// panic and never stop at the first problem. A Diagnostic's Severity is
// keepalived's error class (the -t exit status); its Class says whether
// the file's structure is broken (Structural: braces, quotes, cut lines,
// missing files) or a keyword is unknown, which the daemon's reload check
// reads instead of the message text.
//
// The pipeline:
//
//  1. Preprocess (preprocess.go, decomment.go, macros.go, seq.go, lst.go,
//     include.go), keepalived's read_line() turned into a push model.
//     Physical lines come in pieces of at most MAXBUF-1 bytes (fgets), a
//     NUL ends a line, CR/LF are dropped; decomment() removes '#'/'!'
//     comments outside double quotes and the '\' of "\#"/"\!"; then, in
//     read_line's inner loop: "@ID"/"@^ID" conditionals, "$NAME=" and
//     multi-line definitions (check_definition), ~SEQ/~SEQx/~LST
//     repetition (add_seq, add_lst), $NAME/${NAME} substitution
//     (find_definition, replace_param) followed by another decomment,
//     repeated while it changes the line; then include detection
//     (is_include, check_include, open_and_check_glob with its R/M/W/B
//     error classes and include_check) and the splitting of '{' and '}'
//     outside quotes into logical lines of their own (line_residue).
//     Every byte keeps the column it came from; macro output takes the
//     column of the '$' that produced it and the line where it was used.
//  2. Lex (lexer.go): a participle lexer.Definition over logical lines.
//     The words of each line are split once, as alloc_strvec_r() does,
//     into a side table the converter reads by line index. Consecutive
//     statements that own no block are one Line token; a statement
//     followed by a '{' line is folded into an Open token; a bare '{' is
//     an Open, '}' a Close. Participle's cost is per token and per node,
//     so it sees runs of statements and braces, never words.
//  3. Parse (grammar.go, parse.go): a participle grammar nesting blocks:
//     an Open starts a block that runs to its Close. Blocks that hold
//     blocks are nodes; leaf blocks are matched inline and found by the
//     converter in their parent's tokens. The grammar accepts every token
//     sequence; an extra '}', a missing '}' at end of file and a '{' after
//     no statement become warnings, as keepalived (process_stream,
//     init_data) reports them and carries on. The stream is cut between
//     top-level items into pieces parsed in parallel.
//  4. Convert (convert.go) to File/Stmt/Arg/Block (ast.go). Stmt.Raw keeps
//     the preprocessed text after the keyword, quotes included, for the
//     keywords keepalived re-reads with alloc_strvec_quoted.
//
// Keyword meaning (which keywords take blocks, numbers, ...) is not known
// here; parser/ builds the typed model from the tree. Limits that
// keepalived does not have (Limits: files, bytes, include patterns and
// glob entries, include and block depth, line length, lines and words
// produced, substitution work) turn inputs on which it would loop or
// exhaust memory into a Fatal diagnostic naming the file and line, and
// only regular files are read (a FIFO or /dev/zero is refused without
// blocking). Diagnostics go to Options.Report as they are found, and at
// most Limits.Diagnostics are kept.
package syntax
