package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestManText(t *testing.T) {
	type item struct{ Term, Text string }
	data := struct {
		Name  string
		Items []item
		None  []item
		Codes map[string]int
	}{"a-b", []item{{"x", "1"}, {"y", "2"}}, nil, map[string]int{"OK": 0}}
	tests := []struct{ src, want string }{
		{"n={{.Name}} r={{roff .Name}}", `n=a-b r=a\-b`},
		{"l\n{{- range .Items}}\n{{.Term}}={{.Text}}\n{{- end}}\n.", "l\nx=1\ny=2\n."},
		{"{{if .None}}no{{end}}{{if .Items}}yes{{end}}", "yes"},
		{"{{.Codes.OK}}", "0"},
	}
	for _, tt := range tests {
		nodes, err := parseMan(tt.src)
		if err != nil {
			t.Fatalf("%q: %v", tt.src, err)
		}
		var b strings.Builder
		if err := execMan(&b, nodes, reflect.ValueOf(data)); err != nil {
			t.Fatalf("%q: %v", tt.src, err)
		}
		if b.String() != tt.want {
			t.Errorf("%q: got %q, want %q", tt.src, b.String(), tt.want)
		}
	}
	for _, bad := range []string{"{{end}}", "{{range .Items}}", "{{.Name", "{{call .Name}}", "{{.Missing}}", "{{.Name.X}}"} {
		nodes, err := parseMan(bad)
		if err == nil {
			err = execMan(&strings.Builder{}, nodes, reflect.ValueOf(data))
		}
		if err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
