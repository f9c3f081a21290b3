package script

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"slices"
	"strconv"
	"strings"
)

// DefaultScriptUser is the account keepalived falls back to when no
// script_user is configured.
const DefaultScriptUser = "keepalived_script"

// ErrNoDefaultUser is returned by DefaultIdentity when
// enable_script_security forbids falling back to the daemon's own identity.
var ErrNoDefaultUser = errors.New("no script_user and no " + DefaultScriptUser + " account, and enable_script_security forbids running as the daemon's user")

// Identity is the uid, gid and supplementary groups a script runs with.
type Identity struct {
	UID, GID uint32
	// Groups are the supplementary groups. keepalived clears them unless the
	// group was given as ":GROUP" or ":" (then the user's own group list is
	// used), so nil means "no supplementary groups".
	Groups []uint32
}

// Self is the identity of the running process, without supplementary
// groups (the daemon normally runs as root with none).
func Self() Identity {
	return Identity{UID: uint32(os.Getuid()), GID: uint32(os.Getgid())}
}

func (id Identity) String() string {
	return fmt.Sprintf("%d:%d", id.UID, id.GID)
}

// accounts abstracts the password and group databases so that the
// resolution rules can be tested without real accounts.
type accounts struct {
	lookupUser  func(name string) (*user.User, error)
	lookupGroup func(name string) (*user.Group, error)
	groupIDs    func(u *user.User) ([]string, error)
}

var systemAccounts = accounts{
	lookupUser:  LookupUser,
	lookupGroup: LookupGroup,
	groupIDs:    groupIDs,
}

// LookupIdentity resolves keepalived's `USER [[:]GROUP]` words (a
// vrrp_script `user` line, the trailing words of a notify keyword or
// global script_user). An empty group means the user's primary group; a
// group starting with ':' additionally applies the user's supplementary
// groups, and ":" alone means primary group plus supplementary groups.
func LookupIdentity(userName, group string) (Identity, error) {
	return systemAccounts.identity(userName, group)
}

func (a accounts) identity(userName, group string) (Identity, error) {
	u, err := a.lookupUser(userName)
	if err != nil {
		return Identity{}, fmt.Errorf("look up script user %q: %w", userName, err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return Identity{}, fmt.Errorf("look up script user %q: %w", userName, err)
	}
	id := Identity{UID: uint32(uid), GID: uint32(gid)}
	withSupplementary := strings.HasPrefix(group, ":")
	group = strings.TrimPrefix(group, ":")
	if group != "" {
		g, err := a.lookupGroup(group)
		if err != nil {
			return Identity{}, fmt.Errorf("look up script group %q: %w", group, err)
		}
		v, err := strconv.ParseUint(g.Gid, 10, 32)
		if err != nil {
			return Identity{}, fmt.Errorf("look up script group %q: %w", group, err)
		}
		id.GID = uint32(v)
	}
	if withSupplementary {
		ids, err := a.groupIDs(u)
		if err != nil {
			return Identity{}, fmt.Errorf("look up groups of script user %q: %w", userName, err)
		}
		for _, s := range ids {
			v, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				return Identity{}, fmt.Errorf("look up groups of script user %q: %w", userName, err)
			}
			if !slices.Contains(id.Groups, uint32(v)) {
				id.Groups = append(id.Groups, uint32(v))
			}
		}
	}
	return id, nil
}

// DefaultIdentity returns the identity for scripts without their own user:
// the configured script_user (scriptUser, scriptGroup),
// else the keepalived_script account if it exists, else the daemon's own
// identity, which enable_script_security (security) does not allow
// (ErrNoDefaultUser: keepalived then drops every such script).
// A configured script_user that does not exist is an error.
func DefaultIdentity(scriptUser, scriptGroup string, security bool) (Identity, error) {
	return systemAccounts.defaultIdentity(scriptUser, scriptGroup, security, Self())
}

func (a accounts) defaultIdentity(scriptUser, scriptGroup string, security bool, self Identity) (Identity, error) {
	if scriptUser != "" {
		return a.identity(scriptUser, scriptGroup)
	}
	// Like keepalived, any failure to resolve keepalived_script (not only
	// "no such user") falls back to the daemon's identity.
	if id, err := a.identity(DefaultScriptUser, ""); err == nil {
		return id, nil
	}
	if security {
		return Identity{}, fmt.Errorf("resolve default script user: %w", ErrNoDefaultUser)
	}
	return self, nil
}
