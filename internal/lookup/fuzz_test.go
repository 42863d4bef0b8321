package lookup

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/qlens/qlens/internal/extract"
)

// FuzzParseRef: an accepted entity is canonical (parsing its value again gives the same
// value), and what the engine would send for it is well formed.
func FuzzParseRef(f *testing.F) {
	for _, seed := range []struct{ typ, value string }{
		{"IPv4", "10.0.0.1"}, {"IPv4", " 010.0.0.1"}, {"IPv6", "2001:DB8::1"},
		{"IPv6", "::ffff:10.0.0.1"}, {"IPv6", "fe80::1%eth0"}, {"domain", "Corp.Example.COM."},
		{"domain", "a..b"}, {"cve", "cve-2021-44228"}, {"qid", "00091"}, {"customQid", "0"},
		{"qid", "2147483648"}, {"url", "x"},
	} {
		f.Add(seed.typ, seed.value)
	}

	f.Fuzz(func(t *testing.T, typ, value string) {
		ent, err := parseRef(EntityRef{Type: extract.Type(typ), Value: value})
		if err != nil {
			return
		}

		again, err := parseRef(EntityRef{Type: ent.Type, Value: ent.Value})
		if err != nil || again.Value != ent.Value {
			t.Fatalf("%s %q: canonical %q does not parse back to itself (%q, %v)", typ, value,
				ent.Value, again.Value, err)
		}

		switch ent.Type {
		case extract.IPv4, extract.IPv6:
			a, err := netip.ParseAddr(ent.Value)
			if err != nil || a.Zone() != "" || a.Is4() != (ent.Type == extract.IPv4) {
				t.Fatalf("%s %q: value %q is not one address of its family", typ, value, ent.Value)
			}
		case extract.Domain:
			if ent.Value != strings.ToLower(ent.Value) || strings.HasSuffix(ent.Value, ".") ||
				strings.ContainsAny(ent.Value, ", \t\n") {
				t.Fatalf("domain %q: value %q is not canonical", value, ent.Value)
			}
		case extract.QID, extract.CustomQID:
			if _, ok := qidKey(ent.Value); !ok {
				t.Fatalf("%s %q: accepted but has no QID key", typ, value)
			}
		}
	})
}

// FuzzParseTarget: every element read from a scan TARGET is a range whose ends it contains.
func FuzzParseTarget(f *testing.F) {
	for _, seed := range []string{"10.0.0.1-10.0.0.20, 10.0.0.5", "10.1.2.3/24", "abc.com",
		"2001:db8::1-2001:db8::ff", "10.0.0.9-10.0.0.1", "::ffff:10.0.0.1/120", ",,-,/"} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, target string) {
		for _, r := range parseTarget(target) {
			if !r.lo.IsValid() || !r.hi.IsValid() || r.hi.Less(r.lo) {
				t.Fatalf("%q: bad range %v-%v", target, r.lo, r.hi)
			}
			if !r.contains(r.lo) || !r.contains(r.hi) {
				t.Fatalf("%q: range %v-%v does not hold its ends", target, r.lo, r.hi)
			}
		}
	})
}
