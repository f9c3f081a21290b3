package nslab

import (
	"strings"
	"testing"
)

func TestCheckNames(t *testing.T) {
	tests := []struct {
		name    string
		prefix  string
		roles   []string
		wantErr string
	}{
		{"ok", "demo", []string{"a", "b", "client"}, ""},
		{"empty prefix", "", []string{"a"}, "prefix"},
		{"upper case prefix", "Demo", []string{"a"}, "prefix"},
		{"long prefix", "abcdefghijklm", []string{"a"}, "prefix"},
		{"no hosts", "demo", nil, "0 hosts"},
		{"duplicate role", "demo", []string{"a", "a"}, `role "a"`},
		{"switch role", "demo", []string{"sw"}, `role "sw"`},
		{"role with dash", "demo", []string{"a-b"}, `role "a-b"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkNames(tc.prefix, tc.roles)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("checkNames: unexpected error %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("checkNames: error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
