package lookup

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/qlens/qlens/internal/extract"
)

// cveRE is the CVE ID syntax: a year and a sequence of at least four digits.
var cveRE = regexp.MustCompile(`^CVE-\d{4}-\d{4,19}$`)

// maxQID bounds a QID: Qualys QIDs are well below it, and it keeps the integer exact.
const maxQID = 1<<31 - 1

// entitiesFromRefs validates refs and turns them into entities, in order, each distinct (type,
// canonical value) once. Every bad ref is reported in one error wrapping ErrBadInput.
func (e *Engine) entitiesFromRefs(refs []EntityRef) ([]extract.Entity, error) {
	out := make([]extract.Entity, 0, len(refs))
	seen := make(map[string]bool, len(refs))

	var bad []string
	for i, ref := range refs {
		ent, err := parseRef(ref)
		if err != nil {
			bad = append(bad, fmt.Sprintf("entity %d: %v", i+1, err))
			continue
		}

		key := string(ent.Type) + "\x00" + ent.Value
		if seen[key] {
			continue
		}
		seen[key] = true

		if ent.Skip == "" && e.ignore.Covers(ent) {
			ent.Skip = extract.SkipIgnored
		}
		out = append(out, ent)
	}

	if len(bad) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrBadInput, strings.Join(bad, "; "))
	}

	return out, nil
}

// parseRef checks that ref's value parses as its type and returns the entity with the
// canonical value and the skip reason an address deserves.
func parseRef(ref EntityRef) (extract.Entity, error) {
	raw := strings.TrimSpace(ref.Value)
	ent := extract.Entity{Type: ref.Type, Raw: raw, Spans: []extract.Span{}}

	switch ref.Type {
	case extract.IPv4, extract.IPv6:
		addr, err := parseAddr(ref.Type, raw)
		if err != nil {
			return ent, err
		}
		ent.Value, ent.Skip = addr.String(), addrSkip(addr)
	case extract.Domain:
		d, ok := canonicalDomain(raw)
		if !ok {
			return ent, fmt.Errorf("%q is not a domain name", raw)
		}
		ent.Value = d
	case extract.CVE:
		v := strings.ToUpper(raw)
		if !cveRE.MatchString(v) {
			return ent, fmt.Errorf("%q is not a CVE ID like CVE-2021-44228", raw)
		}
		ent.Value = v
	case extract.QID, extract.CustomQID:
		if _, err := parseQID(raw); err != nil {
			return ent, err
		}
		ent.Value = raw
	default:
		return ent, fmt.Errorf("unknown type %q (want IPv4, IPv6, domain, cve, qid or customQid)",
			ref.Type)
	}

	return ent, nil
}

// parseAddr reads one address of the given family; ranges, CIDRs and zones are refused.
func parseAddr(typ extract.Type, s string) (netip.Addr, error) {
	addr, err := netip.ParseAddr(s)
	if err != nil || addr.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("%q is not an %s address", s, typ)
	}

	addr = addr.Unmap()
	if typ == extract.IPv4 && !addr.Is4() || typ == extract.IPv6 && !addr.Is6() {
		return netip.Addr{}, fmt.Errorf("%q is not an %s address", s, typ)
	}

	return addr, nil
}

// addrSkip gives the reason an address is never looked up, or "".
func addrSkip(a netip.Addr) string {
	switch {
	case a.IsUnspecified():
		return extract.SkipUnspecified
	case a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return extract.SkipBroadcast
	case a.IsLoopback():
		return extract.SkipLoopback
	case a.IsMulticast():
		return extract.SkipMulticast
	}

	return ""
}

// parseQID reads QID digits as the integer Qualys takes ("00091" is QID 91).
func parseQID(s string) (int, error) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a QID (digits only)", s)
	}

	n, err := strconv.ParseUint(strings.TrimLeft(s, "0"), 10, 31)
	if err != nil || n == 0 || n > maxQID {
		return 0, fmt.Errorf("%q is not a QID between 1 and %d", s, maxQID)
	}

	return int(n), nil
}

// canonicalDomain lower-cases d, drops a trailing dot and checks the label syntax.
func canonicalDomain(s string) (string, bool) {
	d := strings.TrimSuffix(strings.ToLower(s), ".")
	if len(d) == 0 || len(d) > 253 || !strings.Contains(d, ".") {
		return "", false
	}

	for label := range strings.SplitSeq(d, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return "", false
			}
		}
	}

	return d, true
}

// domainMatches reports whether name is domain or one of its subdomains, on a label boundary:
// "a.corp.example.com" matches "corp.example.com", "notcorp.example.com" does not.
func domainMatches(name, domain string) bool {
	name = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), ".")
	if name == "" || domain == "" {
		return false
	}

	return name == domain || strings.HasSuffix(name, "."+domain)
}
