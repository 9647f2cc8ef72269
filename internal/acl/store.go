package acl

import (
	"errors"
	"fmt"
	"sort"
)

// Store is the set of users of a server.
type Store struct {
	Reg *Registry
	*Checker
	users map[string]*User
	def   *User
	// PubsubAll is acl-pubsub-default: whether new selectors start with
	// allchannels.
	PubsubAll bool
	Log       Log
}

// NewStore returns a store holding only the default user (on, nopass, all
// commands, keys and channels).
func NewStore(r *Registry) *Store {
	st := &Store{Reg: r, Checker: NewChecker(r), users: map[string]*User{}}
	st.def = st.newDefault()
	st.users["default"] = st.def
	st.Log.MaxLen = 128
	return st
}

func (st *Store) newDefault() *User {
	u := newUser(st.Reg, "default", st.PubsubAll)
	for _, op := range []string{"+@all", "~*", "&*", "on", "nopass"} {
		_ = u.apply(st.Reg, op, st.PubsubAll)
	}
	return u
}

// Default is the default user; the pointer never changes.
func (st *Store) Default() *User { return st.def }

// Get returns a user by name, nil when there is none.
func (st *Store) Get(name string) *User { return st.users[name] }

// Names returns the user names in lexical (byte) order, as Redis's radix
// tree lists them.
func (st *Store) Names() []string {
	out := make([]string, 0, len(st.users))
	for n := range st.users {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// SetUserError is a failed ACL SETUSER, with Redis's reply text (without
// the ERR prefix).
type SetUserError struct{ Msg string }

func (e *SetUserError) Error() string { return e.Msg }

// Prepare applies rules to a copy of the named user (a new user when there
// is none) and returns the copy, leaving the store unchanged; Commit then
// installs it. This is ACL SETUSER's all-or-nothing.
func (st *Store) Prepare(name string, rules []string) (*User, error) {
	if hasSpaces(name) {
		return nil, &SetUserError{"Usernames can't contain spaces or null characters"}
	}
	merged, bad, ok := MergeSelectorArgs(rules)
	if !ok {
		return nil, &SetUserError{fmt.Sprintf("Unmatched parenthesis in acl selector starting at '%s'.", rules[bad])}
	}
	var tmp *User
	if u := st.users[name]; u != nil {
		tmp = u.clone()
	} else {
		tmp = newUser(st.Reg, name, st.PubsubAll)
	}
	for _, op := range merged {
		if err := tmp.apply(st.Reg, op, st.PubsubAll); err != nil {
			return nil, &SetUserError{fmt.Sprintf("Error in ACL SETUSER modifier '%s': %s", cstr(op), err)}
		}
	}
	return tmp, nil
}

// cstr cuts s at its first NUL, as Redis's %s formatting does.
func cstr(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i]
		}
	}
	return s
}

// Commit installs a user prepared by Prepare: an existing user is changed
// in place (its connections keep pointing to it). It returns the installed
// user.
func (st *Store) Commit(tmp *User) *User {
	if u := st.users[tmp.Name]; u != nil {
		u.copyFrom(tmp)
		return u
	}
	st.users[tmp.Name] = tmp
	return tmp
}

// ErrDeleteDefault is the error of ACL DELUSER default.
var ErrDeleteDefault = errors.New("The 'default' user cannot be removed")

// Delete removes a user and returns it, nil when there was none.
func (st *Store) Delete(name string) *User {
	u := st.users[name]
	if u == nil || u == st.def {
		return nil
	}
	delete(st.users, name)
	return u
}

// UpdateDefaultPassword implements requirepass: resetpass, then >pass, or
// nopass for an empty password.
func (st *Store) UpdateDefaultPassword(pass string) {
	_ = st.def.apply(st.Reg, "resetpass", st.PubsubAll)
	if pass != "" {
		_ = st.def.apply(st.Reg, ">"+pass, st.PubsubAll)
	} else {
		_ = st.def.apply(st.Reg, "nopass", st.PubsubAll)
	}
}

// Replace installs a complete new set of users (ACL LOAD): the default user
// is copied into the existing one, the others replace the old ones. It
// returns the old users other than default, whose connections must go.
func (st *Store) Replace(users map[string]*User) []*User {
	var gone []*User
	for n, u := range st.users {
		if u != st.def {
			gone = append(gone, st.users[n])
		}
	}
	nd := users["default"]
	if nd == nil {
		nd = st.newDefault()
	}
	st.def.copyFrom(nd)
	users["default"] = st.def
	st.users = users
	return gone
}

// ChannelsRevoked reports whether changing a user from old to new may take
// away a channel a subscriber of old uses: it returns the channel patterns
// of new (all of its selectors) and true when some of old's are not among
// them and no selector of new allows all channels
// (ACLKillPubsubClientsIfNeeded's shortcuts).
func ChannelsRevoked(new, old *User) ([][]byte, bool) {
	for _, s := range new.selectors {
		if s.flags&allChannels != 0 {
			return nil, false
		}
	}
	var upcoming [][]byte
	for _, s := range new.selectors {
		upcoming = append(upcoming, s.channels...)
	}
	for _, s := range old.selectors {
		for _, ch := range s.channels {
			found := false
			for _, u := range upcoming {
				if string(u) == string(ch) {
					found = true
					break
				}
			}
			if !found {
				return upcoming, true
			}
		}
	}
	return upcoming, false
}

// ChannelInList checks a subscription against a list of patterns:
// literally for a pattern subscription, by glob for a channel.
func ChannelInList(list [][]byte, ch []byte, literal bool) bool {
	return channelAllowed(list, ch, literal)
}
