package lookup

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/model"
)

// digest is the part of a result the correlation tests compare.
type digest struct {
	Hosts  []string // "id:qid/port,qid/port"
	KB     []int
	Scans  []string
	Errors []string // "source:code"
	Skip   string
}

func digestOf(r model.Result) digest {
	d := digest{Skip: r.Entity.Skip}
	for _, h := range r.HostDetections {
		var dets []string
		for _, x := range h.Detections {
			dets = append(dets, fmt.Sprintf("%d/%d", x.QID, x.Port))
		}
		d.Hosts = append(d.Hosts, fmt.Sprintf("%d:%s", h.ID, strings.Join(dets, ",")))
	}
	for _, k := range r.KnowledgeBaseRecords {
		d.KB = append(d.KB, k.QID)
	}
	for _, s := range r.Scans {
		d.Scans = append(d.Scans, s.Ref)
	}
	for _, e := range r.Errors {
		d.Errors = append(d.Errors, e.Source+":"+e.Code)
	}

	return d
}

func digests(l model.Lookup) map[string]digest {
	out := map[string]digest{}
	for _, r := range l.Results {
		out[string(r.Entity.Type)+" "+r.Entity.Value] = digestOf(r)
	}

	return out
}

const (
	scanRange = "scan/1700000000.00001"
	scanTen   = "scan/1700000001.00002"
)

func TestLookupCorrelatesByExactKeys(t *testing.T) {
	t.Parallel()

	host1 := "101:38623/443,38623/8443,1234/0"
	host5 := "105:91/22,100/0"
	host10 := "110:5000/0"

	tests := []struct {
		name string
		refs []EntityRef
		want map[string]digest
	}{
		{
			name: "ip_10_0_0_1_and_10_0_0_10_keep_their_own_hosts",
			refs: []EntityRef{{extract.IPv4, "10.0.0.1"}, {extract.IPv4, "10.0.0.10"}},
			want: map[string]digest{
				"IPv4 10.0.0.1":  {Hosts: []string{host1}, Scans: []string{scanRange}},
				"IPv4 10.0.0.10": {Hosts: []string{host10}, Scans: []string{scanTen}},
			},
		},
		{
			name: "qid_1234_never_matches_a_timestamp_reading_12_34",
			refs: []EntityRef{{extract.QID, "1234"}, {extract.IPv4, "10.0.0.10"}},
			want: map[string]digest{
				"qid 1234":       {Hosts: []string{"101:1234/0"}, KB: []int{1234}},
				"IPv4 10.0.0.10": {Hosts: []string{host10}, Scans: []string{scanTen}},
			},
		},
		{
			// The reference keeps the IP's copy of a host fetched for both, so its QID card
			// shows every detection of the host.
			name: "qid_card_keeps_only_its_detection_when_its_host_is_looked_up_by_ip_too",
			refs: []EntityRef{{extract.QID, "1234"}, {extract.IPv4, "10.0.0.1"}},
			want: map[string]digest{
				"qid 1234":      {Hosts: []string{"101:1234/0"}, KB: []int{1234}},
				"IPv4 10.0.0.1": {Hosts: []string{host1}, Scans: []string{scanRange}},
			},
		},
		{
			name: "cve_alone_shows_its_hosts_labelled_by_qid",
			refs: []EntityRef{{extract.CVE, "cve-2021-44228"}},
			want: map[string]digest{
				"cve CVE-2021-44228": {
					Hosts: []string{"101:38623/443,38623/8443", "105:91/22"},
					KB:    []int{38623, 91},
				},
			},
		},
		{
			name: "domain_matches_on_label_boundary_only",
			refs: []EntityRef{{extract.Domain, "corp.example.com"}},
			want: map[string]digest{
				"domain corp.example.com": {Hosts: []string{host1, host5}},
			},
		},
		{
			name: "qid_on_two_ports_stays_two_detections",
			refs: []EntityRef{{extract.QID, "38623"}},
			want: map[string]digest{
				"qid 38623": {Hosts: []string{"101:38623/443,38623/8443"}, KB: []int{38623}},
			},
		},
		{
			name: "custom_qid_with_leading_zeros_is_the_integer",
			refs: []EntityRef{{extract.CustomQID, "00091"}},
			want: map[string]digest{
				"customQid 00091": {Hosts: []string{"105:91/22"}, KB: []int{91}},
			},
		},
		{
			name: "ipv6_is_looked_up_by_its_own_key",
			refs: []EntityRef{{extract.IPv6, "2001:DB8:0::5"}},
			want: map[string]digest{
				"IPv6 2001:db8::5": {Hosts: []string{host5}},
			},
		},
		{
			name: "mixed_batch_gives_every_entity_its_own_result",
			refs: []EntityRef{
				{extract.IPv4, "10.0.0.5"}, {extract.IPv4, "127.0.0.1"}, {extract.IPv6, "2001:db8::5"},
				{extract.Domain, "notcorp.example.com"}, {extract.CVE, "CVE-2020-0001"},
				{extract.QID, "5000"}, {extract.CustomQID, "0091"},
			},
			want: map[string]digest{
				"IPv4 10.0.0.5":              {Hosts: []string{host5}, Scans: []string{scanRange}},
				"IPv4 127.0.0.1":             {Skip: extract.SkipLoopback},
				"IPv6 2001:db8::5":           {Hosts: []string{host5}},
				"domain notcorp.example.com": {Hosts: []string{host10}},
				"cve CVE-2020-0001":          {Hosts: []string{"105:91/22"}, KB: []int{91}},
				"qid 5000":                   {Hosts: []string{"110:5000/0"}, KB: []int{5000}},
				"customQid 0091":             {Hosts: []string{"105:91/22"}, KB: []int{91}},
			},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			fake := newFakeQualys()
			e := newTestEngine(t, fake.start(t))

			got, err := e.Lookup(t.Context(), Request{Entities: tt.refs})
			if err != nil {
				t.Fatalf("Lookup: %v", err)
			}
			if diff := cmp.Diff(tt.want, digests(got)); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			if len(got.Results) != len(tt.want) {
				t.Errorf("got %d results, want %d", len(got.Results), len(tt.want))
			}
		})
	}
}

func TestLookupPartialFailure(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	fake.setFault(epKB, fakeFault{status: http.StatusBadRequest, code: "1905",
		text: "parameter ids has invalid value"})
	e := newTestEngine(t, fake.start(t))

	got, err := e.Lookup(t.Context(), Request{Entities: []EntityRef{
		{extract.IPv4, "10.0.0.1"}, {extract.QID, "1234"}, {extract.CVE, "CVE-2021-44228"},
	}})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}

	want := map[string]digest{
		"IPv4 10.0.0.1": {Hosts: []string{"101:38623/443,38623/8443,1234/0"},
			Scans: []string{scanRange}},
		"qid 1234":           {Hosts: []string{"101:1234/0"}, Errors: []string{"knowledgeBase:1905"}},
		"cve CVE-2021-44228": {Errors: []string{"knowledgeBase:1905", "detections:"}},
	}
	if diff := cmp.Diff(want, digests(got)); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if got := got.Results[1].Summary; !strings.Contains(strings.Join(got, "|"), "Failed: knowledgeBase") {
		t.Errorf("summary %q does not say the KB failed", got)
	}
}

func TestLookupDomainFallsBackToHostList(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	fake.setFault(epAssets, fakeFault{status: http.StatusForbidden, code: "UNAUTHORIZED",
		text: "no Asset Management permission"})
	e := newTestEngine(t, fake.start(t))

	got, err := e.Lookup(t.Context(), Request{Entities: []EntityRef{
		{extract.Domain, "corp.example.com"}, {extract.Domain, "notcorp.example.com"},
	}})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}

	want := map[string]digest{
		"domain corp.example.com":    {Hosts: []string{"101:38623/443,38623/8443,1234/0", "105:91/22,100/0"}},
		"domain notcorp.example.com": {Hosts: []string{"110:5000/0"}},
	}
	if diff := cmp.Diff(want, digests(got)); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if n := fake.callCount(epHostList); n != 1 {
		t.Errorf("host list fetched %d times, want once for both domains", n)
	}
}

func TestLookupShapeContract(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	opts := fake.start(t)
	opts.MinSeverity = 4
	e := newTestEngine(t, opts)

	got, err := e.Lookup(t.Context(), Request{Text: "hosts 10.0.0.5, 127.0.0.1 and QID 38623"})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}

	raw, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	for _, bad := range []string{"null", "<script", "s3cret-pw"} {
		if strings.Contains(string(raw), bad) {
			t.Errorf("JSON holds %q: %s", bad, raw)
		}
	}

	var summaries [][]string
	for _, r := range got.Results {
		summaries = append(summaries, r.Summary)
	}
	want := [][]string{
		{"Host Detections: 1", "Detections: 1", "Sev 4-5: 1", "Scans: 1"},
		{"Skipped: loopback"},
		{"KB Records: 1", "Host Detections: 1", "Detections: 2", "Sev 4-5: 2"},
	}
	if diff := cmp.Diff(want, summaries); diff != "" {
		t.Errorf("summaries (-want +got):\n%s", diff)
	}
}

func TestLookupBadInput(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		req  Request
	}{
		{"unknown_type", Request{Entities: []EntityRef{{"url", "https://x"}}}},
		{"ipv4_that_does_not_parse", Request{Entities: []EntityRef{{extract.IPv4, "10.0.0.256"}}}},
		{"ipv6_given_as_ipv4", Request{Entities: []EntityRef{{extract.IPv4, "2001:db8::1"}}}},
		{"cve_without_sequence", Request{Entities: []EntityRef{{extract.CVE, "CVE-2021"}}}},
		{"qid_with_letters", Request{Entities: []EntityRef{{extract.QID, "12a"}}}},
		{"qid_zero", Request{Entities: []EntityRef{{extract.QID, "000"}}}},
		{"domain_without_dot", Request{Entities: []EntityRef{{extract.Domain, "localhost"}}}},
		{"text_and_entities", Request{Text: "10.0.0.1", Entities: []EntityRef{{extract.QID, "1"}}}},
	}

	fake := newFakeQualys()
	e := newTestEngine(t, fake.start(t))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			_, err := e.Lookup(t.Context(), tt.req)
			if !errors.Is(err, ErrBadInput) {
				t.Errorf("Lookup error = %v, want ErrBadInput", err)
			}
		})
	}
}
