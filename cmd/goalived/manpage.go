package main

import (
	"embed"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/goalived/goalived/parser"
)

// The manual pages are templates for the prose; every list in them
// (options, signals, files, keywords) is filled in from the code that
// implements it.
//
//go:embed man/goalived.8.tmpl man/goalived.conf.5.tmpl
var manTemplates embed.FS

// printManPage writes manual page goalived(8) or goalived.conf(5) in roff
// (man macros): "goalived --man-page=8".
func printManPage(section string, stdout, stderr io.Writer) int {
	var name string
	var data any
	switch section {
	case "8":
		name, data = "goalived.8.tmpl", daemonPage()
	case "5":
		name, data = "goalived.conf.5.tmpl", confPage()
	default:
		fmt.Fprintf(stderr, "unknown manual section %q (want 8 or 5)\n", section)
		return exitFatal
	}
	src, err := manTemplates.ReadFile("man/" + name)
	var nodes []manNode
	if err == nil {
		nodes, err = parseMan(string(src))
	}
	if err == nil {
		err = execMan(stdout, nodes, reflect.ValueOf(data))
	}
	if err != nil {
		fmt.Fprintf(stderr, "write manual page %s: %v\n", name, err)
		return exitFatal
	}
	return exitOK
}

// manItem is one tagged paragraph (.TP): the tag and the text, in roff.
type manItem struct {
	Term, Text string
}

// roff escapes text for the body of a man page: backslashes and minus
// signs, and a control character at the start of a line.
func roff(s string) string {
	s = strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}

// sentence makes a usage string end as a sentence.
func sentence(s string) string {
	if s == "" || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

// confPageData is what goalived.conf(5) is written from.
type confPageData struct {
	Version    string
	ConfigFile string
	Blocks     []confBlock
}

// confBlock lists one block's keywords by what goalived does with them,
// each list in roff.
type confBlock struct {
	Name                            string
	Implemented, NotYet, OutOfScope string
}

func confPage() confPageData {
	d := confPageData{Version: goalivedVersion, ConfigFile: defaultFlag("use-file")}
	var names [3][]string
	flush := func(block string) {
		if block == "" {
			return
		}
		d.Blocks = append(d.Blocks, confBlock{Name: block,
			Implemented: keywordList(names[parser.Implemented]),
			NotYet:      keywordList(names[parser.NotYet]),
			OutOfScope:  keywordList(names[parser.OutOfScope])})
		names = [3][]string{}
	}
	block := ""
	for _, k := range parser.Keywords() {
		if k.Block != block {
			flush(block)
			block = k.Block
		}
		names[k.Support] = append(names[k.Support], k.Name)
	}
	flush(block)
	return d
}

// keywordList is keywords in bold, comma-separated, "" for none.
func keywordList(kws []string) string {
	out := make([]string, len(kws))
	for i, k := range kws {
		out[i] = `\fB` + roff(k) + `\fR`
	}
	return strings.Join(out, ", ")
}

// defaultFlag is the default value of a long option.
func defaultFlag(name string) string {
	return newFlagSet(&options{}, io.Discard).Lookup(name).DefValue
}

// visibleFlags are the flag set's options as --help lists them.
func visibleFlags() []*pflag.Flag {
	var out []*pflag.Flag
	newFlagSet(&options{}, io.Discard).VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			out = append(out, f)
		}
	})
	return out
}

// usedFlagNames lists the options a manual table names, for tests.
func usedFlagNames() []string {
	var out []string
	for k := range manArgNames {
		out = append(out, k)
	}
	for _, u := range inertOptions {
		out = append(out, u.flag)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
