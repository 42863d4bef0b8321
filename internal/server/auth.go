package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/qlens/qlens/internal/config"
)

// Roles. An admin can do everything an analyst can.
const (
	RoleAnalyst = "analyst"
	RoleAdmin   = "admin"
)

// Token is an API token given with its plain value (QLENS_TOKENS, or the CLI's --demo tokens).
type Token struct {
	Name  string
	Role  string
	Value config.Secret
}

// principal is an authenticated caller. id tells tokens apart for rate limiting even when two
// share a name.
type principal struct {
	id   int
	name string
	role string
}

func (p principal) can(role string) bool {
	return p.role == RoleAdmin || p.role == role
}

// authenticator holds the SHA-256 of every accepted token; plain values are never kept.
type authenticator struct {
	hashes [][sha256.Size]byte
	who    []principal
}

// newAuthenticator reads the config file's hashed tokens, QLENS_TOKENS (name:role:token,...) and
// the extra plain tokens. A malformed entry is an error naming its position, never its value.
func newAuthenticator(hashed []config.Token, envTokens string,
	extra []Token) (*authenticator, error) {
	a := &authenticator{}

	for i, t := range hashed {
		sum, err := hex.DecodeString(strings.TrimSpace(t.SHA256))
		if err != nil || len(sum) != sha256.Size {
			return nil, fmt.Errorf("config token %d (%q): sha256 must be 64 hex digits",
				i+1, t.Name)
		}
		if err := a.add(t.Name, t.Role, [sha256.Size]byte(sum)); err != nil {
			return nil, fmt.Errorf("config token %d: %w", i+1, err)
		}
	}

	for i, entry := range strings.Split(envTokens, ",") {
		if strings.TrimSpace(entry) == "" {
			continue
		}
		parts := strings.SplitN(strings.TrimSpace(entry), ":", 3)
		if len(parts) != 3 || parts[2] == "" {
			return nil, fmt.Errorf("QLENS_TOKENS entry %d: want name:role:token", i+1)
		}
		if err := a.add(parts[0], parts[1], sha256.Sum256([]byte(parts[2]))); err != nil {
			return nil, fmt.Errorf("QLENS_TOKENS entry %d: %w", i+1, err)
		}
	}

	for i, t := range extra {
		if t.Value == "" {
			return nil, fmt.Errorf("extra token %d (%q): empty value", i+1, t.Name)
		}
		if err := a.add(t.Name, t.Role, sha256.Sum256([]byte(t.Value.Reveal()))); err != nil {
			return nil, fmt.Errorf("extra token %d: %w", i+1, err)
		}
	}

	return a, nil
}

func (a *authenticator) add(name, role string, sum [sha256.Size]byte) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return errors.New("token has no name")
	}
	if role != RoleAnalyst && role != RoleAdmin {
		return fmt.Errorf("token %q: role must be %s or %s, got %q",
			name, RoleAnalyst, RoleAdmin, role)
	}

	// One value with two names or roles would make the actor depend on the order of sources.
	for i := range a.hashes {
		if subtle.ConstantTimeCompare(sum[:], a.hashes[i][:]) == 1 {
			return fmt.Errorf("token %q has the same value as token %q; give each its own",
				name, a.who[i].name)
		}
	}

	a.who = append(a.who, principal{id: len(a.who), name: name, role: role})
	a.hashes = append(a.hashes, sum)

	return nil
}

func (a *authenticator) empty() bool { return len(a.hashes) == 0 }

// check finds the caller of a bearer token. It compares the token's hash with every known hash
// in constant time and without stopping at the first match.
func (a *authenticator) check(token string) (principal, bool) {
	sum := sha256.Sum256([]byte(token))
	found := -1

	for i := range a.hashes {
		if subtle.ConstantTimeCompare(sum[:], a.hashes[i][:]) == 1 && found < 0 {
			found = i
		}
	}
	if found < 0 {
		return principal{}, false
	}

	return a.who[found], true
}

// bearer returns the token of an "Authorization: Bearer <token>" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)

	return token, token != ""
}

type principalKey struct{}

func withPrincipal(ctx context.Context, p principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

func principalFrom(ctx context.Context) principal {
	p, _ := ctx.Value(principalKey{}).(principal)

	return p
}

// require wraps h so that only callers holding role reach it: 401 without a valid token, 403 for
// the wrong role, 429 past the caller's rate limit or after too many wrong tokens from the
// caller's address. The caller's name becomes the actor.
func (s *Server) require(role string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearer(r)
		if !ok {
			s.writeError(w, r, errUnauthenticated)
			return
		}

		// An address that sent too many wrong tokens learns nothing more, right or wrong.
		client := clientKey(r)
		if wait, blocked := s.authFail.blocked(client); blocked {
			s.writeError(w, r, &rateLimitedError{wait: wait, auth: true})
			return
		}
		p, ok := s.auth.check(token)
		if !ok {
			s.authFail.allow(client)
			s.writeError(w, r, errBadToken)
			return
		}
		setActor(r.Context(), p.name)

		if !p.can(role) {
			s.writeError(w, r, errForbidden)
			return
		}
		if wait, ok := s.limiter.allow(p.id); !ok {
			s.writeError(w, r, &rateLimitedError{wait: wait})
			return
		}

		h(w, r.WithContext(withPrincipal(r.Context(), p)))
	})
}
