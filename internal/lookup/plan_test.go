package lookup

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/extract"
)

func TestNewPlan(t *testing.T) {
	t.Parallel()

	ent := func(typ extract.Type, v, skip string) extract.Entity {
		return extract.Entity{Type: typ, Value: v, Skip: skip}
	}
	tests := []struct {
		name string
		ents []extract.Entity
		want plan
	}{
		{
			name: "groups_by_kind_in_order",
			ents: []extract.Entity{ent(extract.CVE, "CVE-2021-44228", ""), ent(extract.IPv4, "10.0.0.2", ""),
				ent(extract.IPv6, "2001:db8::1", ""), ent(extract.IPv4, "10.0.0.1", ""),
				ent(extract.Domain, "corp.example.com", ""), ent(extract.QID, "38623", "")},
			want: plan{ipv4: []string{"10.0.0.2", "10.0.0.1"}, ipv6: []string{"2001:db8::1"},
				domains: []string{"corp.example.com"}, cves: []string{"CVE-2021-44228"},
				qids: []string{"38623"}},
		},
		{
			name: "qid_and_custom_qid_share_the_integer",
			ents: []extract.Entity{ent(extract.QID, "91", ""), ent(extract.CustomQID, "00091", ""),
				ent(extract.CustomQID, "0042", "")},
			want: plan{qids: []string{"91", "42"}},
		},
		{
			name: "skipped_entities_need_nothing",
			ents: []extract.Entity{ent(extract.IPv4, "127.0.0.1", extract.SkipLoopback),
				ent(extract.Domain, "corp.example.com", extract.SkipIgnored)},
			want: plan{},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := newPlan(tt.ents)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(plan{})); diff != "" {
				t.Errorf("newPlan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBatches(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		keys []string
		size int
		want [][]string
	}{
		{"empty", nil, 3, [][]string{}},
		{"one_batch", []string{"a", "b"}, 3, [][]string{{"a", "b"}}},
		{"exact_multiple", []string{"a", "b", "c", "d"}, 2, [][]string{{"a", "b"}, {"c", "d"}}},
		{"remainder", []string{"a", "b", "c"}, 2, [][]string{{"a", "b"}, {"c"}}},
		{"size_zero_means_one", []string{"a", "b"}, 0, [][]string{{"a"}, {"b"}}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if diff := cmp.Diff(tt.want, batches(tt.keys, tt.size)); diff != "" {
				t.Errorf("batches (-want +got):\n%s", diff)
			}
		})
	}
}
