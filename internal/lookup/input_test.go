package lookup

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/extract"
)

func TestEntitiesFromRefs(t *testing.T) {
	t.Parallel()

	e := &Engine{}
	for _, s := range []string{"10.9.0.0/16", "2001:db8:ffff::/48", "internal.example"} {
		ig, err := config.ParseIgnore(s)
		if err != nil {
			t.Fatalf("ParseIgnore: %v", err)
		}
		e.ignore = append(e.ignore, ig)
	}

	refs := []EntityRef{
		{extract.IPv4, " 10.0.0.5 "}, {extract.IPv4, "10.0.0.5"}, {extract.IPv4, "10.9.3.4"},
		{extract.IPv4, "255.255.255.255"}, {extract.IPv4, "0.0.0.0"}, {extract.IPv4, "224.0.0.1"},
		{extract.IPv6, "2001:DB8::1"}, {extract.IPv6, "2001:db8:ffff::9"}, {extract.IPv6, "::1"},
		{extract.Domain, "Corp.Example.COM."}, {extract.Domain, "a.internal.example"},
		{extract.Domain, "notinternal.example"}, {extract.CVE, "cve-2021-44228"},
		{extract.QID, "00091"},
	}
	type row struct{ Type, Value, Skip string }
	want := []row{
		{"IPv4", "10.0.0.5", ""}, {"IPv4", "10.9.3.4", "ignored"}, {"IPv4", "255.255.255.255", "broadcast"},
		{"IPv4", "0.0.0.0", "unspecified"}, {"IPv4", "224.0.0.1", "multicast"},
		{"IPv6", "2001:db8::1", ""}, {"IPv6", "2001:db8:ffff::9", "ignored"}, {"IPv6", "::1", "loopback"},
		{"domain", "corp.example.com", ""}, {"domain", "a.internal.example", "ignored"},
		{"domain", "notinternal.example", ""}, {"cve", "CVE-2021-44228", ""}, {"qid", "00091", ""},
	}

	ents, err := e.entitiesFromRefs(refs)
	if err != nil {
		t.Fatalf("entitiesFromRefs: %v", err)
	}
	var got []row
	for _, ent := range ents {
		got = append(got, row{string(ent.Type), ent.Value, ent.Skip})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
}
