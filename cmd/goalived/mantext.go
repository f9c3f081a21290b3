package main

import (
	"fmt"
	"io"
	"reflect"
	"strings"
)

// The manual pages' templates use a small part of text/template's
// language: {{.Field}} and {{.Field.Field}}, {{roff .Field}},
// {{range .Slice}}, {{if .Field}}, {{end}}, and the {{- that trims the
// white space before it. mantext executes that part itself: text/template
// calls methods by name through reflection, which makes the linker keep
// every exported method of every type in the binary (8.0 instead of
// 10.3 MB), and a daemon's resident size follows its binary's.

// manNode is a piece of a template: text, a value, or a block (range,
// if) with its body.
type manNode struct {
	text  string   // literal text, when path is nil
	kind  string   // "", "roff", "range" or "if"
	path  []string // the field names of the value
	body  []manNode
	isVal bool
}

// parseMan parses src into nodes; an unknown action is an error.
func parseMan(src string) ([]manNode, error) {
	nodes, rest, err := parseManNodes(src, false)
	if err == nil && rest != "" {
		err = fmt.Errorf("unexpected {{end}}")
	}
	return nodes, err
}

// parseManNodes parses until the end of src or, inBlock, an {{end}};
// it returns what follows that {{end}}.
func parseManNodes(src string, inBlock bool) ([]manNode, string, error) {
	var nodes []manNode
	for {
		i := strings.Index(src, "{{")
		if i < 0 {
			if inBlock {
				return nil, "", fmt.Errorf("missing {{end}}")
			}
			return append(nodes, manNode{text: src}), "", nil
		}
		j := strings.Index(src[i:], "}}")
		if j < 0 {
			return nil, "", fmt.Errorf("unclosed action at %q", src[i:min(len(src), i+20)])
		}
		text, action := src[:i], src[i+2:i+j]
		src = src[i+j+2:]
		if a, ok := strings.CutPrefix(action, "- "); ok {
			text, action = strings.TrimRight(text, " \t\r\n"), a
		}
		nodes = append(nodes, manNode{text: text})
		words := strings.Fields(action)
		switch {
		case len(words) == 1 && words[0] == "end":
			if !inBlock {
				return nil, "", fmt.Errorf("unexpected {{end}}")
			}
			return nodes, src, nil
		case len(words) == 1 && strings.HasPrefix(words[0], "."):
			nodes = append(nodes, manNode{isVal: true, path: manPath(words[0])})
		case len(words) == 2 && strings.HasPrefix(words[1], ".") && (words[0] == "roff" || words[0] == "range" || words[0] == "if"):
			n := manNode{isVal: true, kind: words[0], path: manPath(words[1])}
			if n.kind != "roff" {
				var err error
				if n.body, src, err = parseManNodes(src, true); err != nil {
					return nil, "", err
				}
			}
			nodes = append(nodes, n)
		default:
			return nil, "", fmt.Errorf("unsupported action {{%s}}", action)
		}
	}
}

func manPath(s string) []string { return strings.Split(strings.TrimPrefix(s, "."), ".") }

// execMan writes nodes with data as the dot.
func execMan(w io.Writer, nodes []manNode, data reflect.Value) error {
	for _, n := range nodes {
		if !n.isVal {
			if _, err := io.WriteString(w, n.text); err != nil {
				return err
			}
			continue
		}
		v, err := manField(data, n.path)
		if err != nil {
			return err
		}
		switch n.kind {
		case "":
			_, err = fmt.Fprint(w, v.Interface())
		case "roff":
			_, err = io.WriteString(w, roff(fmt.Sprint(v.Interface())))
		case "if":
			if manTrue(v) {
				err = execMan(w, n.body, data)
			}
		case "range":
			for i := 0; i < v.Len() && err == nil; i++ {
				err = execMan(w, n.body, v.Index(i))
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// manField is the value at path under v: a struct's field or a map's
// entry (string keys) at each step.
func manField(v reflect.Value, path []string) (reflect.Value, error) {
	for _, f := range path {
		switch v = reflect.Indirect(v); v.Kind() {
		case reflect.Struct:
			v = v.FieldByName(f)
		case reflect.Map:
			v = v.MapIndex(reflect.ValueOf(f))
		default:
			v = reflect.Value{}
		}
		if !v.IsValid() {
			return v, fmt.Errorf("no field %s", strings.Join(path, "."))
		}
	}
	return v, nil
}

// manTrue is text/template's truth: not empty, not zero.
func manTrue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map, reflect.String, reflect.Array:
		return v.Len() > 0
	case reflect.Struct:
		return true
	}
	return !v.IsZero()
}
