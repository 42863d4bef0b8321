package lookup

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/model"
)

func TestLookupCallsPerBatch(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		batchSize int
		refs      []EntityRef
		want      map[string]int
	}{
		{
			name:      "one_call_per_family_and_kind",
			batchSize: 500,
			refs: []EntityRef{
				{extract.IPv4, "10.0.0.1"}, {extract.IPv4, "10.0.0.5"}, {extract.IPv4, "10.0.0.10"},
				{extract.IPv6, "2001:db8::5"}, {extract.CVE, "CVE-2021-44228"},
				{extract.CVE, "CVE-2020-0001"}, {extract.QID, "1234"}, {extract.QID, "5000"},
			},
			// detections: ips, ipv6, qids (direct and CVE QIDs merged); kb: ids, cve, and the
			// titles of the detected QIDs neither answered (100).
			want: map[string]int{epDetection: 3, epKB: 3, epScanList: 1},
		},
		{
			name:      "long_lists_split_into_batches",
			batchSize: 2,
			refs: []EntityRef{
				{extract.IPv4, "10.0.0.1"}, {extract.IPv4, "10.0.0.2"}, {extract.IPv4, "10.0.0.3"},
				{extract.IPv4, "10.0.0.4"}, {extract.IPv4, "10.0.0.5"},
			},
			// 10.0.0.2 to .4 have no detection: their two batches ask the host list once each.
			// The titles of QIDs 1234, 38623, 91 and 100 come in two KB batches.
			want: map[string]int{epDetection: 3, epHostList: 2, epKB: 2, epScanList: 3},
		},
		{
			name:      "domains_search_per_field_then_one_detection_call",
			batchSize: 500,
			refs:      []EntityRef{{extract.Domain, "corp.example.com"}, {extract.Domain, "x.example.org"}},
			want:      map[string]int{epAssets: 4, epDetection: 1, epKB: 1},
		},
		{
			name:      "skipped_and_ignored_entities_cost_nothing",
			batchSize: 500,
			refs:      []EntityRef{{extract.IPv4, "127.0.0.1"}, {extract.IPv4, "192.168.1.9"}},
			want:      map[string]int{},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			fake := newFakeQualys()
			opts := fake.start(t)
			opts.BatchSize = tt.batchSize
			opts.Ignore = []string{"192.168.0.0/16"}
			e := newTestEngine(t, opts)

			got, err := e.Lookup(t.Context(), Request{Entities: tt.refs})
			if err != nil {
				t.Fatalf("Lookup: %v", err)
			}

			calls := map[string]int{}
			for _, ep := range []string{epDetection, epKB, epScanList, epAssets, epHostList} {
				if n := fake.callCount(ep); n > 0 {
					calls[ep] = n
				}
			}
			if diff := cmp.Diff(tt.want, calls); diff != "" {
				t.Errorf("calls per endpoint (-want +got):\n%s", diff)
			}
			if got.Stats.APICalls != fake.totalCalls() {
				t.Errorf("Stats.APICalls = %d, server saw %d", got.Stats.APICalls, fake.totalCalls())
			}
		})
	}
}

func TestLookupWarmCacheAndRefresh(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	e := newTestEngine(t, fake.start(t))
	refs := []EntityRef{{extract.IPv4, "10.0.0.1"}, {extract.CVE, "CVE-2021-44228"},
		{extract.Domain, "corp.example.com"}, {extract.QID, "1234"}}

	cold, err := e.Lookup(t.Context(), Request{Entities: refs})
	if err != nil {
		t.Fatalf("cold Lookup: %v", err)
	}
	warm, err := e.Lookup(t.Context(), Request{Entities: refs})
	if err != nil {
		t.Fatalf("warm Lookup: %v", err)
	}
	overlap, err := e.Lookup(t.Context(), Request{Entities: append(refs[:1:1],
		EntityRef{extract.IPv4, "10.0.0.10"})})
	if err != nil {
		t.Fatalf("overlapping Lookup: %v", err)
	}
	refreshed, err := e.Lookup(t.Context(), Request{Entities: refs, Refresh: true})
	if err != nil {
		t.Fatalf("refresh Lookup: %v", err)
	}

	if cold.Stats.APICalls == 0 || cold.Stats.CacheHits != 0 {
		t.Errorf("cold stats = %+v, want calls and no hits", cold.Stats)
	}
	if warm.Stats.APICalls != 0 || warm.Stats.CacheHits == 0 {
		t.Errorf("warm stats = %+v, want 0 calls and hits", warm.Stats)
	}
	// 10.0.0.10 is new: one detection call, one scan call and one KB call for the title of
	// its QID 5000. 10.0.0.1 and the titles of its QIDs 1234 and 38623 come from the cache.
	if overlap.Stats.APICalls != 3 || overlap.Stats.CacheHits != 4 {
		t.Errorf("overlap stats = %+v, want 3 calls and 4 hits", overlap.Stats)
	}
	if refreshed.Stats.APICalls != cold.Stats.APICalls || refreshed.Stats.CacheHits != 0 {
		t.Errorf("refresh stats = %+v, want %d calls and no hits", refreshed.Stats,
			cold.Stats.APICalls)
	}
	if diff := cmp.Diff(digests(cold), digests(warm)); diff != "" {
		t.Errorf("warm results differ from cold (-cold +warm):\n%s", diff)
	}
}

// TestLookupShowsKnownHostWithoutDetections tells "known to Qualys, nothing open" apart from
// "not in the subscription", at the cost of one host list call for the addresses left empty.
func TestLookupShowsKnownHostWithoutDetections(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	e := newTestEngine(t, fake.start(t))

	got, err := e.Lookup(t.Context(), Request{Entities: []EntityRef{
		{extract.IPv4, "10.0.0.20"}, {extract.IPv4, "10.0.0.99"}, {extract.IPv4, "10.0.0.1"},
	}})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}

	clean, unknown, known := got.Results[0], got.Results[1], got.Results[2]
	if len(clean.HostDetections) != 1 || clean.HostDetections[0].DNS != "clean.lab.example.org" ||
		len(clean.HostDetections[0].Detections) != 0 {
		t.Errorf("clean host = %+v, want one host with no detections", clean.HostDetections)
	}
	if diff := cmp.Diff([]string{"Host Detections: 1", "Detections: 0", "Scans: 0"},
		clean.Summary); diff != "" {
		t.Errorf("clean summary (-want +got):\n%s", diff)
	}
	if len(unknown.HostDetections) != 0 {
		t.Errorf("unknown address has hosts: %+v", unknown.HostDetections)
	}
	if len(known.HostDetections) != 1 || len(known.HostDetections[0].Detections) != 3 {
		t.Errorf("10.0.0.1 = %+v", known.HostDetections)
	}
	if n := fake.callCount(epHostList); n != 1 {
		t.Errorf("host list calls = %d, want 1 (for the two empty addresses together)", n)
	}
}

// TestLookupDomainShowsHostWithoutDetections: a domain's host with nothing open still shows.
func TestLookupDomainShowsHostWithoutDetections(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	e := newTestEngine(t, fake.start(t))

	got, err := e.Lookup(t.Context(), Request{Entities: []EntityRef{
		{extract.Domain, "lab.example.org"},
	}})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}

	hosts := got.Results[0].HostDetections
	if len(hosts) != 1 || hosts[0].ID != 120 || len(hosts[0].Detections) != 0 {
		t.Errorf("hosts = %+v, want host 120 with no detections", hosts)
	}
}

// TestLookupDetectionsCarryTitles: a detection names its QID's KB title, whichever entity
// brought it, and a failed title call costs the titles only.
func TestLookupDetectionsCarryTitles(t *testing.T) {
	t.Parallel()

	titles := func(l model.Lookup) map[int]string {
		out := map[int]string{}
		for _, r := range l.Results {
			for _, h := range r.HostDetections {
				for _, d := range h.Detections {
					out[d.QID] = d.Title
				}
			}
		}

		return out
	}
	refs := []EntityRef{{extract.IPv4, "10.0.0.1"}, {extract.IPv4, "10.0.0.5"}}

	fake := newFakeQualys()
	got, err := newTestEngine(t, fake.start(t)).Lookup(t.Context(), Request{Entities: refs})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	want := map[int]string{1234: "Weak cipher", 38623: "Log4Shell", 91: "Old SSH", 100: ""}
	if diff := cmp.Diff(want, titles(got)); diff != "" {
		t.Errorf("titles (-want +got):\n%s", diff)
	}

	broken := newFakeQualys()
	broken.setFault(epKB, fakeFault{status: http.StatusBadRequest, code: "1905", text: "bad"})
	got, err = newTestEngine(t, broken.start(t)).Lookup(t.Context(), Request{Entities: refs})
	if err != nil {
		t.Fatalf("Lookup with the KB failing: %v", err)
	}
	for _, r := range got.Results {
		if len(r.Errors) != 0 || len(r.HostDetections) != 1 {
			t.Errorf("%s: errors %v, %d hosts; want its hosts and no error", r.Entity.Value,
				r.Errors, len(r.HostDetections))
		}
	}
	if diff := cmp.Diff(map[int]string{1234: "", 38623: "", 91: "", 100: ""},
		titles(got)); diff != "" {
		t.Errorf("titles with the KB failing (-want +got):\n%s", diff)
	}
}
