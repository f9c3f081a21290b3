package script

import (
	"context"
	"os/exec"
	"os/user"
	"slices"
	"strings"
	"time"
)

// goalived is built without cgo (CGO_ENABLED=0: a static binary, 2-3 MiB
// less resident memory than one linked against libc), and then os/user
// reads only /etc/passwd and /etc/group. keepalived resolves script users
// through the C library's name service switch, so accounts from LDAP or
// SSSD work there; these lookups ask getent(1), which goes through the
// same NSS configuration, when the files do not know a name.

// LookupUser finds an account by name (or, failing that, numeric id).
func LookupUser(name string) (*user.User, error) {
	u, err := user.Lookup(name)
	if err == nil {
		return u, nil
	}
	if u, err2 := user.LookupId(name); err2 == nil {
		return u, nil
	}
	f, ok := getent("passwd", name) // name:passwd:uid:gid:gecos:home:shell
	if !ok || len(f) < 7 {
		return nil, err
	}
	return &user.User{Username: f[0], Uid: f[2], Gid: f[3], Name: f[4], HomeDir: f[5]}, nil
}

// LookupGroup finds a group by name (or, failing that, numeric id).
func LookupGroup(name string) (*user.Group, error) {
	g, err := user.LookupGroup(name)
	if err == nil {
		return g, nil
	}
	if g, err2 := user.LookupGroupId(name); err2 == nil {
		return g, nil
	}
	f, ok := getent("group", name) // name:passwd:gid:members
	if !ok || len(f) < 3 {
		return nil, err
	}
	return &user.Group{Name: f[0], Gid: f[2]}, nil
}

// groupIDs is the user's group list from the files plus what the name
// service adds (getent initgroups, where the C library supports it).
func groupIDs(u *user.User) ([]string, error) {
	ids, err := u.GroupIds()
	if f, ok := getentFields("initgroups", u.Username); ok && len(f) > 1 {
		for _, id := range f[1:] {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		err = nil
	}
	return ids, err
}

// getent returns the colon-separated fields of database's entry for key.
func getent(database, key string) ([]string, bool) {
	out, ok := runGetent(database, key)
	if !ok {
		return nil, false
	}
	line, _, _ := strings.Cut(out, "\n")
	return strings.Split(line, ":"), true
}

// getentFields returns the whitespace-separated fields of the entry
// ("name gid gid ..." for initgroups).
func getentFields(database, key string) ([]string, bool) {
	out, ok := runGetent(database, key)
	if !ok {
		return nil, false
	}
	return strings.Fields(out), true
}

// getentTimeout bounds a name service that does not answer (an LDAP
// server away): the lookup then fails as an unknown account would.
const getentTimeout = 5 * time.Second

func runGetent(database, key string) (string, bool) {
	if key == "" || strings.ContainsAny(key, ":\n") {
		return "", false
	}
	ctx, cancel := context.WithTimeout(context.Background(), getentTimeout)
	defer cancel()
	// Exit status 2 is "not found"; no getent at all leaves the files as
	// the only source, as they are on a system without NSS modules.
	out, err := exec.CommandContext(ctx, "getent", database, key).Output()
	return string(out), err == nil
}
