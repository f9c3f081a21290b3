package script

import (
	"errors"
	"os"
	"os/user"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeAccounts knows the users "ka" (uid 900, gid 900, also in groups 4
// and 27) and "keepalived_script" when withDefault is set.
func fakeAccounts(withDefault bool) accounts {
	users := map[string]*user.User{"ka": {Uid: "900", Gid: "900", Username: "ka"}}
	if withDefault {
		users[DefaultScriptUser] = &user.User{Uid: "901", Gid: "901", Username: DefaultScriptUser}
	}
	return accounts{
		lookupUser: func(name string) (*user.User, error) {
			if u, ok := users[name]; ok {
				return u, nil
			}
			return nil, user.UnknownUserError(name)
		},
		lookupGroup: func(name string) (*user.Group, error) {
			if name == "adm" {
				return &user.Group{Gid: "4", Name: "adm"}, nil
			}
			return nil, user.UnknownGroupError(name)
		},
		groupIDs: func(u *user.User) ([]string, error) { return []string{u.Gid, "4", "27"}, nil },
	}
}

func TestIdentityGroupForms(t *testing.T) {
	tests := []struct {
		user, group string
		want        Identity
	}{
		{"ka", "", Identity{UID: 900, GID: 900}},
		{"ka", "adm", Identity{UID: 900, GID: 4}},
		{"ka", ":", Identity{UID: 900, GID: 900, Groups: []uint32{900, 4, 27}}},
		{"ka", ":adm", Identity{UID: 900, GID: 4, Groups: []uint32{900, 4, 27}}},
	}
	for _, tc := range tests {
		got, err := fakeAccounts(false).identity(tc.user, tc.group)
		if err != nil {
			t.Fatalf("identity(%q, %q): %v", tc.user, tc.group, err)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("identity(%q, %q) (-want +got):\n%s", tc.user, tc.group, d)
		}
	}
	for _, bad := range [][2]string{{"nosuch", ""}, {"ka", "nosuch"}, {"ka", ":nosuch"}} {
		if _, err := fakeAccounts(false).identity(bad[0], bad[1]); err == nil {
			t.Errorf("identity(%q, %q) succeeded", bad[0], bad[1])
		}
	}
}

func TestDefaultIdentity(t *testing.T) {
	self := Identity{UID: 0, GID: 0}
	tests := []struct {
		name        string
		scriptUser  string
		withDefault bool
		security    bool
		want        Identity
		wantErr     error
	}{
		{"script_user wins", "ka", true, true, Identity{UID: 900, GID: 900}, nil},
		{"keepalived_script next", "", true, true, Identity{UID: 901, GID: 901}, nil},
		{"daemon user without security", "", false, false, self, nil},
		{"refused with security", "", false, true, Identity{}, ErrNoDefaultUser},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fakeAccounts(tc.withDefault).defaultIdentity(tc.scriptUser, "", tc.security, self)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	if _, err := fakeAccounts(true).defaultIdentity("nosuch", "", false, self); err == nil {
		t.Error("unknown script_user accepted")
	}
}

// TestLookupIdentitySystem uses the real account database: Debian always
// has nobody (65534) and root.
func TestLookupIdentitySystem(t *testing.T) {
	id, err := LookupIdentity("nobody", "")
	if err != nil {
		t.Skipf("no nobody account: %v", err)
	}
	if id.UID != 65534 || id.Groups != nil {
		t.Errorf("nobody = %+v", id)
	}
	if self := Self(); self.UID != uint32(os.Getuid()) || self.GID != uint32(os.Getgid()) {
		t.Errorf("Self() = %v", self)
	}
}
