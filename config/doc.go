// Package config is the typed model of a keepalived.conf: what goalived
// runs, with keepalived 2.2.7's defaults applied and every cross-reference
// resolved, so that its consumers (the engine, the dumps, the status file)
// never need to know a default or a keyword's spelling.
//
// The model is apart from the text: package parser reads the file (its
// syntax subpackage the lexical layer) and builds a *Config; nothing here
// parses, touches the operating system or imports the parser. The
// dependency flows one way, parser/syntax -> parser -> config <- engine,
// so the runtime can be built and tested from values made in code.
package config
