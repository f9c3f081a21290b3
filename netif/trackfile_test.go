package netif

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestReadTrackFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if got := ReadTrackFile(p); got != nil {
		t.Errorf("missing file: got %q, want nil", got)
	}
	// Only the first 127 bytes count, as keepalived's buffer.
	long := bytes.Repeat([]byte(" "), 200)
	copy(long[150:], "5")
	if err := os.WriteFile(p, long, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := ReadTrackFile(p); !bytes.Equal(got, long[:127]) {
		t.Errorf("long file: got %d bytes %q, want its first 127", len(got), got)
	}
	if got := ReadTrackFile(dir); got != nil {
		t.Errorf("a directory: got %q, want nil", got)
	}
}

func TestInitTrackFile(t *testing.T) {
	dir := t.TempDir()
	type init struct {
		value             int
		overwrite, reload bool
	}
	tests := []struct {
		name     string
		existing *string
		init     init
		want     string
	}{
		{"creates with 0", nil, init{}, "0\n"},
		{"creates with value", nil, init{value: -20}, "-20\n"},
		{"keeps existing", ptr("7\n"), init{value: 3}, "7\n"},
		{"overwrites", ptr("7\n"), init{value: 3, overwrite: true}, "3\n"},
		{"never overwrites on reload", ptr("7\n"), init{value: 3, overwrite: true, reload: true}, "7\n"},
		{"creates on reload", nil, init{value: 3, overwrite: true, reload: true}, "3\n"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, string(rune('a'+i)))
			if tc.existing != nil {
				if err := os.WriteFile(p, []byte(*tc.existing), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := InitTrackFile(p, tc.init.value, tc.init.overwrite, tc.init.reload); err != nil {
				t.Fatal(err)
			}
			got := "<missing>"
			if b, err := os.ReadFile(p); err == nil {
				got = string(b)
			}
			if got != tc.want {
				t.Errorf("file holds %q, want %q", got, tc.want)
			}
		})
	}
	if err := InitTrackFile(dir, 0, true, false); err == nil {
		t.Error("init_file overwrite on a directory: want an error")
	}
	if err := InitTrackFile(dir, 0, false, false); err != nil {
		t.Errorf("init_file without overwrite on an existing directory: %v, want it left alone", err)
	}
	if err := InitTrackFile(filepath.Join(dir, "missing", "f"), 0, false, false); err == nil {
		t.Error("init_file in a missing directory: want an error")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*XXXXXX")); len(left) != 0 {
		t.Errorf("files left beside the track files: %q", left)
	}
}

// TestInitTrackFileReplaces: with overwrite, the value goes to a new file
// renamed over the path, as keepalived's fopen_safe writes: a link there
// is replaced, not followed, and another name of the old file (a hard
// link) keeps the old contents. The root test with links planted by
// another user is TestIntegrationInitTrackFilePlanted.
func TestInitTrackFileReplaces(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other")
	if err := os.WriteFile(other, []byte("7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link, hard := filepath.Join(dir, "link"), filepath.Join(dir, "hard")
	if err := os.Symlink(other, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(other, hard); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{link, hard} {
		if err := InitTrackFile(p, 3, true, false); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Lstat(p)
		b, _ := os.ReadFile(p)
		if err != nil || !fi.Mode().IsRegular() || string(b) != "3\n" {
			t.Errorf("%s: %v %v %q, want a regular file holding 3", filepath.Base(p), fi.Mode(), err, b)
		}
	}
	if b, _ := os.ReadFile(other); string(b) != "7\n" {
		t.Errorf("the file behind the links now holds %q, want 7", b)
	}
}
