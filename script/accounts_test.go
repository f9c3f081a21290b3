package script

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// fakeGetent puts a getent(1) on PATH that answers like an NSS source
// (LDAP, SSSD) knowing accounts that /etc/passwd and /etc/group do not.
func fakeGetent(t *testing.T) {
	dir := t.TempDir()
	script := `#!/bin/sh
case "$1 $2" in
"passwd ldapuser"|"passwd 4242") echo "ldapuser:*:4242:4243:LDAP user:/home/ldapuser:/bin/sh" ;;
"group ldapgroup"|"group 4243") echo "ldapgroup:*:4243:" ;;
"initgroups ldapuser") echo "ldapuser              4243 5000" ;;
*) exit 2 ;;
esac
`
	if err := os.WriteFile(filepath.Join(dir, "getent"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestLookupThroughNameService(t *testing.T) {
	fakeGetent(t)
	for _, tc := range []struct {
		name    string
		wantUID string // "" for not found
	}{
		{"root", "0"},        // from /etc/passwd
		{"0", "0"},           // numeric, from /etc/passwd
		{"ldapuser", "4242"}, // only the name service knows it
		{"4242", "4242"},
		{"nosuchuser", ""},
		{"bad:name", ""}, // never handed to getent
	} {
		u, err := LookupUser(tc.name)
		switch {
		case tc.wantUID == "" && err == nil:
			t.Errorf("LookupUser(%q) = %+v, want not found", tc.name, u)
		case tc.wantUID != "" && (err != nil || u.Uid != tc.wantUID):
			t.Errorf("LookupUser(%q) = %+v, %v, want uid %s", tc.name, u, err, tc.wantUID)
		}
	}
	if g, err := LookupGroup("ldapgroup"); err != nil || g.Gid != "4243" {
		t.Errorf("LookupGroup(ldapgroup) = %+v, %v", g, err)
	}
	if _, err := LookupGroup("nosuchgroup"); err == nil {
		t.Error("LookupGroup(nosuchgroup) found a group")
	}
	// The script identity of an NSS account, with its supplementary
	// groups from getent initgroups.
	id, err := LookupIdentity("ldapuser", ":")
	if err != nil {
		t.Fatal(err)
	}
	if id.UID != 4242 || id.GID != 4243 || !slices.Contains(id.Groups, 5000) {
		t.Errorf("identity %+v, want 4242:4243 with group 5000", id)
	}
}
