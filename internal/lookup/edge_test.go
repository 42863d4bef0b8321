package lookup

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/model"
)

// Hosts of fakeQualys as digestOf writes them.
const (
	digestHost1  = "101:38623/443,38623/8443,1234/0"
	digestHost5  = "105:91/22,100/0"
	digestHost10 = "110:5000/0"
)

// sortedList reads a comma-separated parameter as a sorted list.
func sortedList(s string) []string {
	if s == "" {
		return nil
	}

	return slices.Sorted(slices.Values(strings.Split(s, ",")))
}

func TestLookupEdgeCases(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		setup func(f *fakeQualys, opts *config.Options)
		refs  []EntityRef
		want  map[string]digest
		calls map[string]int // per endpoint; endpoints not listed are not checked
		check func(t *testing.T, f *fakeQualys, got model.Lookup)
	}{
		{
			name:  "cve_whose_qids_exceed_a_batch",
			setup: func(_ *fakeQualys, o *config.Options) { o.BatchSize = 1 },
			refs:  []EntityRef{{extract.CVE, "CVE-2021-44228"}},
			want: map[string]digest{"cve CVE-2021-44228": {
				Hosts: []string{"101:38623/443,38623/8443", "105:91/22"}, KB: []int{38623, 91}}},
			calls: map[string]int{epKB: 1, epDetection: 2},
		},
		{
			name: "qid_that_is_also_a_cves_qid_is_asked_once_and_stays_apart",
			refs: []EntityRef{{extract.QID, "38623"}, {extract.CVE, "CVE-2021-44228"}},
			want: map[string]digest{
				"qid 38623": {Hosts: []string{"101:38623/443,38623/8443"}, KB: []int{38623}},
				"cve CVE-2021-44228": {Hosts: []string{"101:38623/443,38623/8443", "105:91/22"},
					KB: []int{38623, 91}},
			},
			// KB: ids= for the QID and cve= for the CVE; no title call, both hold every
			// detected QID. Detections: one qids= call with each QID once.
			calls: map[string]int{epKB: 2, epDetection: 1},
			check: func(t *testing.T, f *fakeQualys, _ model.Lookup) {
				got := sortedList(f.seen(epDetection)[0].form.Get("qids"))
				if diff := cmp.Diff([]string{"38623", "91"}, got); diff != "" {
					t.Errorf("qids= (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "ipv4_inside_scan_ranges_and_cidrs",
			setup: func(f *fakeQualys, _ *config.Options) {
				f.scans = append(f.scans,
					fakeScan{ref: "scan/1700000002.00003", title: "cidr", state: "Finished",
						target: "10.0.0.16/28", launched: "2024-03-01T00:00:00Z"},
					fakeScan{ref: "scan/1700000003.00004", title: "spaced range", state: "Running",
						target: "10.0.0.18 - 10.0.0.25, lab-group", launched: "2024-03-02T00:00:00Z"})
			},
			refs: []EntityRef{{extract.IPv4, "10.0.0.20"}, {extract.IPv4, "10.0.0.1"},
				{extract.IPv4, "10.0.0.10"}},
			// The fake also answers scans whose TARGET merely contains the text of an
			// address ("10.0.0.10" for 10.0.0.1): only TARGET parsing keeps them apart.
			want: map[string]digest{
				"IPv4 10.0.0.20": {Hosts: []string{"120:"},
					Scans: []string{"scan/1700000003.00004", "scan/1700000002.00003"}},
				"IPv4 10.0.0.1":  {Hosts: []string{digestHost1}, Scans: []string{scanRange}},
				"IPv4 10.0.0.10": {Hosts: []string{digestHost10}, Scans: []string{scanTen}},
			},
			calls: map[string]int{epScanList: 1},
		},
		{
			name:  "ipv6_of_a_host_that_also_has_ipv4",
			refs:  []EntityRef{{extract.IPv6, "2001:db8:0:0::5"}},
			want:  map[string]digest{"IPv6 2001:db8::5": {Hosts: []string{digestHost5}}},
			calls: map[string]int{epDetection: 1, epScanList: 0},
			check: func(t *testing.T, f *fakeQualys, got model.Lookup) {
				req := f.seen(epDetection)[0].form
				if req.Get("ipv6") != "2001:db8::5" || req.Has("ips") {
					t.Errorf("detection call sent ipv6=%q ips=%q, want the address in ipv6= only",
						req.Get("ipv6"), req.Get("ips"))
				}
				h := got.Results[0].HostDetections[0]
				if h.IP != "10.0.0.5" || h.IPv6 != "2001:db8::5" {
					t.Errorf("host addresses = %q, %q; want both families", h.IP, h.IPv6)
				}
			},
		},
		{
			name: "domain_with_upper_case_and_trailing_dot",
			setup: func(f *fakeQualys, _ *config.Options) {
				f.hosts = append(f.hosts,
					fakeHost{id: 130, ip: "10.0.0.30", dns: "corp.example.com.evil.net",
						dets: []fakeDet{{qid: 7000, sev: 2}}},
					fakeHost{id: 140, ip: "10.0.0.40", dns: "API.Corp.Example.COM.",
						dets: []fakeDet{{qid: 7001, sev: 1}}})
			},
			refs: []EntityRef{{extract.Domain, "Corp.Example.COM."}},
			want: map[string]digest{"domain corp.example.com": {
				Hosts: []string{digestHost1, digestHost5, "140:7001/0"}}},
		},
		{
			name: "custom_qid_with_leading_zeros_keeps_its_value",
			refs: []EntityRef{{extract.CustomQID, "00091"}, {extract.QID, "91"}},
			want: map[string]digest{
				"customQid 00091": {Hosts: []string{"105:91/22"}, KB: []int{91}},
				"qid 91":          {Hosts: []string{"105:91/22"}, KB: []int{91}},
			},
			calls: map[string]int{epKB: 1, epDetection: 1},
			check: func(t *testing.T, f *fakeQualys, _ model.Lookup) {
				if got := f.seen(epDetection)[0].form.Get("qids"); got != "91" {
					t.Errorf("qids= %q, want 91", got)
				}
				if got := f.seen(epKB)[0].form.Get("ids"); got != "91" {
					t.Errorf("KB ids= %q, want 91", got)
				}
			},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			fake := newFakeQualys()
			opts := fake.start(t)
			if tt.setup != nil {
				tt.setup(fake, &opts)
			}
			e := newTestEngine(t, opts)

			got, err := e.Lookup(t.Context(), Request{Entities: tt.refs})
			if err != nil {
				t.Fatalf("Lookup: %v", err)
			}
			if diff := cmp.Diff(tt.want, digests(got)); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			for ep, want := range tt.calls {
				if n := fake.callCount(ep); n != want {
					t.Errorf("%s calls = %d, want %d", ep, n, want)
				}
			}
			if tt.check != nil {
				tt.check(t, fake, got)
			}
		})
	}
}

// TestLookupFailureMarksOnlyWhoNeededIt fails one source at a time and checks that exactly
// the entities that needed it say so, under the contract's source names, while the others
// keep their data (the reference fails every entity, or swallows domain errors).
func TestLookupFailureMarksOnlyWhoNeededIt(t *testing.T) {
	t.Parallel()

	refs := []EntityRef{
		{extract.IPv4, "10.0.0.1"}, {extract.IPv4, "10.0.0.20"}, {extract.IPv6, "2001:db8::5"},
		{extract.Domain, "corp.example.com"}, {extract.CVE, "CVE-2020-0001"},
		{extract.QID, "5000"},
	}
	bad := fakeFault{status: http.StatusBadRequest, code: "1905", text: "parameter has invalid value"}
	allDetections := map[string][]string{
		"IPv4 10.0.0.1": {"detections"}, "IPv4 10.0.0.20": {"detections"},
		"IPv6 2001:db8::5": {"detections"}, "domain corp.example.com": {"detections"},
		"cve CVE-2020-0001": {"detections"}, "qid 5000": {"detections"},
	}

	tests := []struct {
		name   string
		faults map[string]fakeFault
		want   map[string][]string // entity to error sources; absent: no error
	}{
		{
			name:   "knowledgebase",
			faults: map[string]fakeFault{epKB: bad},
			want: map[string][]string{"cve CVE-2020-0001": {"knowledgeBase", "detections"},
				"qid 5000": {"knowledgeBase"}},
		},
		{
			name:   "scan_list",
			faults: map[string]fakeFault{epScanList: bad},
			want:   map[string][]string{"IPv4 10.0.0.1": {"scans"}, "IPv4 10.0.0.20": {"scans"}},
		},
		{
			name:   "ipv6_detection_call_only",
			faults: map[string]fakeFault{epDetection: {status: 400, code: "1905", param: "ipv6"}},
			want:   map[string][]string{"IPv6 2001:db8::5": {"detections"}},
		},
		{
			// 10.0.0.20 has no open detection and needs the host list; 10.0.0.1 does not.
			name:   "host_list",
			faults: map[string]fakeFault{epHostList: bad},
			want:   map[string][]string{"IPv4 10.0.0.20": {"detections"}},
		},
		{
			name:   "asset_search",
			faults: map[string]fakeFault{epAssets: bad},
			want:   map[string][]string{"domain corp.example.com": {"hostSearch"}},
		},
		{
			name: "asset_search_refused_and_host_list_down",
			faults: map[string]fakeFault{
				epAssets:   {status: http.StatusForbidden, code: "UNAUTHORIZED", text: "no AM"},
				epHostList: bad,
			},
			want: map[string][]string{"domain corp.example.com": {"hostSearch"},
				"IPv4 10.0.0.20": {"detections"}},
		},
		{
			name: "detection_answer_malformed",
			faults: map[string]fakeFault{epDetection: {status: http.StatusOK,
				body: "<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>101</ID>" +
					"</HOST_LIST></HOST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>"}},
			want: allDetections,
		},
		{
			name: "detection_answer_is_an_html_page",
			faults: map[string]fakeFault{epDetection: {status: http.StatusOK,
				body: "<html><head><title>Maintenance</title></head><body>back soon</body></html>"}},
			want: allDetections,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			fake := newFakeQualys()
			for ep, f := range tt.faults {
				fake.setFault(ep, f)
			}
			e := newTestEngine(t, fake.start(t))

			got, err := e.Lookup(t.Context(), Request{Entities: refs})
			if err != nil {
				t.Fatalf("Lookup: %v", err)
			}

			sources := map[string][]string{}
			for _, r := range got.Results {
				key := string(r.Entity.Type) + " " + r.Entity.Value
				for _, se := range r.Errors {
					sources[key] = append(sources[key], se.Source)
					if se.Message == "" {
						t.Errorf("%s: %s error without a message", key, se.Source)
					}
				}
				if len(r.Errors) == 0 && len(r.HostDetections) == 0 {
					t.Errorf("%s: no error and no host: data lost", key)
				}
				tags := strings.Join(r.Summary, "|")
				if len(r.Errors) > 0 && !strings.Contains(tags, "Failed: ") {
					t.Errorf("%s: summary %q does not say what failed", key, tags)
				}
			}
			if diff := cmp.Diff(tt.want, sources); diff != "" {
				t.Errorf("error sources per entity (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLookupTruncation cuts every list at one host per page and one page: a cut list says
// "at least", is marked in truncated under its own name, and an uncut one is not.
func TestLookupTruncation(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	opts := fake.start(t)
	opts.PageSize, opts.MaxPages = 1, 1
	e := newTestEngine(t, opts)

	got, err := e.Lookup(t.Context(), Request{Entities: []EntityRef{
		{extract.IPv4, "10.0.0.1"}, {extract.IPv4, "10.0.0.10"}, {extract.IPv6, "2001:db8::5"},
		{extract.CVE, "CVE-2021-44228"}, {extract.QID, "5000"},
	}})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}

	cut := map[string]bool{model.ListHostDetections: true}
	type view struct {
		Summary   []string
		Truncated map[string]bool
		Hosts     []string
	}
	want := []view{
		{[]string{"Host Detections: at least 1", "Detections: at least 3", "Sev 4-5: at least 2",
			"Scans: 1"}, cut, []string{digestHost1}},
		// Host 110 was cut off the detection page: it is not shown as a host without
		// detections, and the count says so.
		{[]string{"Host Detections: at least 0", "Detections: at least 0", "Scans: 1"}, cut, nil},
		{[]string{"Host Detections: 1", "Detections: 2", "Sev 4-5: 1"}, nil,
			[]string{digestHost5}},
		{[]string{"KB Records: 2", "Host Detections: at least 1", "Detections: at least 2",
			"Sev 4-5: at least 2"}, cut, []string{"101:38623/443,38623/8443"}},
		{[]string{"KB Records: 1", "Host Detections: at least 0", "Detections: at least 0"}, cut,
			nil},
	}
	var views []view
	for _, r := range got.Results {
		views = append(views, view{r.Summary, r.Truncated, digestOf(r).Hosts})
	}
	if diff := cmp.Diff(want, views); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// TestLookupDomainHostListFallbackIsBounded: without the asset search, the host list is read
// up to the page cap, and the domains it serves say their counts are "at least".
func TestLookupDomainHostListFallbackIsBounded(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	fake.setFault(epAssets, fakeFault{status: http.StatusForbidden, code: "UNAUTHORIZED",
		text: "no Asset Management permission"})
	opts := fake.start(t)
	opts.PageSize, opts.MaxPages = 1, 1
	e := newTestEngine(t, opts)

	got, err := e.Lookup(t.Context(), Request{Entities: []EntityRef{
		{extract.Domain, "corp.example.com"}, {extract.Domain, "notcorp.example.com"},
	}})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}

	want := [][]string{
		{"Host Detections: at least 1", "Detections: at least 3", "Sev 4-5: at least 2"},
		{"Host Detections: at least 0", "Detections: at least 0"},
	}
	var summaries [][]string
	for _, r := range got.Results {
		summaries = append(summaries, r.Summary)
		if !r.Truncated[model.ListHostDetections] || len(r.Errors) != 0 {
			t.Errorf("%s: truncated %v, errors %v; want cut and no error", r.Entity.Value,
				r.Truncated, r.Errors)
		}
	}
	if diff := cmp.Diff(want, summaries); diff != "" {
		t.Errorf("summaries (-want +got):\n%s", diff)
	}
	if n := fake.callCount(epHostList); n != 1 {
		t.Errorf("host list calls = %d, want 1 (one page, the cap)", n)
	}
}

// TestLookupConcurrentIdenticalLookupsShareCalls: lookups of one batch running together on
// one engine make the calls of a single lookup, not one set each.
func TestLookupConcurrentIdenticalLookupsShareCalls(t *testing.T) {
	t.Parallel()

	refs := []EntityRef{{extract.IPv4, "10.0.0.1"}, {extract.IPv4, "10.0.0.20"},
		{extract.IPv6, "2001:db8::5"}, {extract.Domain, "corp.example.com"},
		{extract.CVE, "CVE-2021-44228"}, {extract.QID, "1234"}}

	alone := newFakeQualys()
	single, err := newTestEngine(t, alone.start(t)).Lookup(t.Context(), Request{Entities: refs})
	if err != nil {
		t.Fatalf("single Lookup: %v", err)
	}

	fake := newFakeQualys()
	fake.delay = 20 * time.Millisecond // every caller arrives while the first one's calls run
	e := newTestEngine(t, fake.start(t))

	const callers = 6
	results := make([]model.Lookup, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			var err error
			results[i], err = e.Lookup(t.Context(), Request{Entities: refs})
			if err != nil {
				t.Errorf("Lookup %d: %v", i, err)
			}
		})
	}
	wg.Wait()

	if got, want := fake.totalCalls(), alone.totalCalls(); got != want {
		t.Errorf("%d concurrent lookups made %d calls, one alone makes %d", callers, got, want)
	}
	sum := 0
	for i, r := range results {
		sum += r.Stats.APICalls
		if diff := cmp.Diff(digests(single), digests(r)); diff != "" {
			t.Errorf("caller %d results differ (-alone +shared):\n%s", i, diff)
		}
	}
	if sum != fake.totalCalls() {
		t.Errorf("callers' Stats.APICalls add up to %d, the server saw %d", sum, fake.totalCalls())
	}
}

// TestLookupCacheTTLPerKind: each kind of answer expires after its own TTL, so a repeat
// fetches only what went stale.
func TestLookupCacheTTLPerKind(t *testing.T) {
	t.Parallel()

	clock := &fakeClock{now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}
	fake := newFakeQualys()
	opts := fake.start(t)
	opts.LookupTimeout = config.Duration(30 * time.Second)
	opts.CacheTTL = config.CacheTTL{KnowledgeBase: config.Duration(24 * time.Hour),
		Detections: config.Duration(5 * time.Minute), Scans: config.Duration(time.Minute),
		Hosts: config.Duration(15 * time.Minute)}
	e, err := New(opts, Deps{Cache: newCache(clock.Now)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	req := Request{Entities: []EntityRef{{extract.IPv4, "10.0.0.1"}, {extract.QID, "1234"},
		{extract.Domain, "corp.example.com"}}}

	endpoints := []string{epDetection, epKB, epScanList, epAssets, epHostList}
	counts := func() map[string]int {
		out := map[string]int{}
		for _, ep := range endpoints {
			out[ep] = fake.callCount(ep)
		}

		return out
	}

	steps := []struct {
		name    string
		advance time.Duration
		want    map[string]int // calls made by this step
	}{
		// ips=, qids=, ids= (domain hosts); KB ids= and the titles; scans; two QPS searches.
		{"cold", 0, map[string]int{epDetection: 3, epKB: 2, epScanList: 1, epAssets: 2}},
		{"warm", 30 * time.Second, map[string]int{}},
		{"scans_stale", 31 * time.Second, map[string]int{epScanList: 1}},
		{"detections_stale", 4 * time.Minute, map[string]int{epDetection: 3, epScanList: 1}},
		{"domains_stale", 10 * time.Minute, map[string]int{epDetection: 3, epScanList: 1,
			epAssets: 2}},
		{"knowledgebase_stale", 24 * time.Hour, map[string]int{epDetection: 3, epKB: 2,
			epScanList: 1, epAssets: 2}},
	}
	for _, s := range steps {
		clock.Advance(s.advance)
		before := counts()
		if _, err := e.Lookup(t.Context(), req); err != nil {
			t.Fatalf("%s: Lookup: %v", s.name, err)
		}
		made := map[string]int{}
		for ep, n := range counts() {
			if d := n - before[ep]; d > 0 {
				made[ep] = d
			}
		}
		if diff := cmp.Diff(s.want, made); diff != "" {
			t.Errorf("%s: calls (-want +got):\n%s", s.name, diff)
		}
	}
}

// TestLookupRequestShapes checks what goes on the wire: lists in POST bodies (never in the
// URL), IPv6 only in ipv6=, and subscription-wide QID pulls without RESULTS.
func TestLookupRequestShapes(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	e := newTestEngine(t, fake.start(t))
	_, err := e.Lookup(t.Context(), Request{Entities: []EntityRef{
		{extract.IPv4, "10.0.0.1"}, {extract.IPv6, "2001:db8::5"}, {extract.QID, "1234"},
		{extract.CVE, "CVE-2021-44228"}, {extract.Domain, "corp.example.com"},
		{extract.IPv4, "10.0.0.10"}, {extract.CVE, "CVE-2020-0001"},
	}})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}

	// One request carries all the CVEs, one all the IPv4 targets (the reference sends one
	// per CVE and one per IP, in sequence).
	var cveCalls, targetCalls [][]string
	for _, r := range fake.seen(epKB) {
		if r.form.Has("cve") {
			cveCalls = append(cveCalls, sortedList(r.form.Get("cve")))
		}
	}
	for _, r := range fake.seen(epScanList) {
		targetCalls = append(targetCalls, sortedList(r.form.Get("target")))
	}
	if diff := cmp.Diff([][]string{{"CVE-2020-0001", "CVE-2021-44228"}}, cveCalls); diff != "" {
		t.Errorf("KB cve= requests (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]string{{"10.0.0.1", "10.0.0.10"}}, targetCalls); diff != "" {
		t.Errorf("scan list target= requests (-want +got):\n%s", diff)
	}

	for _, ep := range []string{epDetection, epKB, epScanList, epHostList} {
		for _, r := range fake.seen(ep) {
			for _, key := range []string{"ips", "ipv6", "ids", "qids", "cve", "target"} {
				if r.query.Has(key) {
					t.Errorf("%s: %s= in the URL, want it in the POST body", ep, key)
				}
			}
			if strings.Contains(r.form.Get("ips"), ":") {
				t.Errorf("%s: ips=%q carries an IPv6 address", ep, r.form.Get("ips"))
			}
		}
	}
	for _, r := range fake.seen(epDetection) {
		if r.form.Has("qids") && r.form.Get("show_results") != "0" {
			t.Errorf("qids=%s sent show_results=%q, want 0", r.form.Get("qids"),
				r.form.Get("show_results"))
		}
	}
}

// TestLookupBadEntitiesAllNamed: every bad entity of a request is named in one error, and
// nothing is looked up.
func TestLookupBadEntitiesAllNamed(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	e := newTestEngine(t, fake.start(t))
	_, err := e.Lookup(t.Context(), Request{Entities: []EntityRef{
		{extract.IPv4, "10.0.0.1"}, {extract.IPv4, "10.0.0.1"}, {"url", "https://x.example"},
		{extract.QID, "QID-12"}, {extract.IPv6, "10.0.0.1"}, {extract.CVE, ""},
	}})
	if err == nil {
		t.Fatal("Lookup accepted bad entities")
	}

	msg := err.Error()
	for _, want := range []string{`entity 3: unknown type "url"`, `entity 4: "QID-12"`,
		`entity 5: "10.0.0.1" is not an IPv6`, `entity 6: "" is not a CVE`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "entity 1") || strings.Contains(msg, "entity 2") {
		t.Errorf("error %q blames a good entity", msg)
	}
	if n := fake.totalCalls(); n != 0 {
		t.Errorf("a rejected request made %d calls", n)
	}
}

// TestLookupSkipsQIDsThatAreNone: an extracted "QID 0" is reported as not looked up, not as
// a QID found nowhere, and costs no call.
func TestLookupSkipsQIDsThatAreNone(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	e := newTestEngine(t, fake.start(t))

	got, err := e.Lookup(t.Context(), Request{Text: "QID 0, QID:0000 and 10.0.0.1"})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}

	type row struct{ Value, Skip, Summary string }
	var rows []row
	for _, r := range got.Results {
		rows = append(rows, row{r.Entity.Value, r.Entity.Skip, strings.Join(r.Summary, "|")})
	}
	want := []row{{"0", SkipInvalid, "Skipped: invalid"}, {"0000", SkipInvalid, "Skipped: invalid"},
		{"10.0.0.1", "", "Host Detections: 1|Detections: 3|Sev 4-5: 2|Scans: 1"}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	for _, r := range fake.seen(epDetection) {
		if r.form.Has("qids") {
			t.Errorf("a detection call asked qids=%s", r.form.Get("qids"))
		}
	}
}

// TestLookupRunsCallsInParallelWithinTheCap: independent calls overlap, but never more of
// them than the concurrency option allows.
func TestLookupRunsCallsInParallelWithinTheCap(t *testing.T) {
	t.Parallel()

	refs := []EntityRef{{extract.IPv4, "10.0.0.1"}, {extract.IPv6, "2001:db8::5"},
		{extract.Domain, "corp.example.com"}, {extract.CVE, "CVE-2021-44228"},
		{extract.QID, "1234"}}

	for _, limit := range []int{1, 2, 3} {
		fake := newFakeQualys()
		fake.delay = 20 * time.Millisecond
		opts := fake.start(t)
		opts.Concurrency = limit
		_, err := newTestEngine(t, opts).Lookup(t.Context(), Request{Entities: refs})
		if err != nil {
			t.Fatalf("Lookup: %v", err)
		}
		if got := fake.peakInflight(); got != limit {
			t.Errorf("concurrency %d: at most %d requests ran at once, want exactly %d", limit,
				got, limit)
		}
	}
}
