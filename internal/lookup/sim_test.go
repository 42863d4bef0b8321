package lookup

import (
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/model"
	"github.com/qlens/qlens/internal/qualyssim"
)

// simClock is a settable clock shared by the simulator (scan states follow it).
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()

	return c.now
}

func (c *simClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// startSim serves a simulator on 127.0.0.1 and returns it with options pointing at it.
func startSim(tb testing.TB, cfg qualyssim.Config) (*qualyssim.Server, config.Options) {
	tb.Helper()

	cfg.RateLimit = 1_000_000 // tests and benchmarks make more calls than an hour's quota
	sim, err := qualyssim.New(cfg)
	if err != nil {
		tb.Fatalf("qualyssim.New: %v", err)
	}
	srv := httptest.NewServer(sim)
	tb.Cleanup(srv.Close)

	opts := config.Defaults()
	opts.URL, opts.Username, opts.Password = srv.URL, qualyssim.DefaultUsername,
		config.Secret(qualyssim.DefaultPassword)
	opts.LookupTimeout = config.Duration(30 * time.Second)

	return sim, opts
}

func resultFor(t *testing.T, l model.Lookup, typ extract.Type, value string) model.Result {
	t.Helper()

	for _, r := range l.Results {
		if r.Entity.Type == typ && r.Entity.Value == value {
			return r
		}
	}
	t.Fatalf("no result for %s %s", typ, value)

	return model.Result{}
}

func hostIPs(r model.Result) []string {
	var out []string
	for _, h := range r.HostDetections {
		out = append(out, h.IP+h.IPv6)
	}
	sort.Strings(out)

	return out
}

func TestSimMixedBatch(t *testing.T) {
	t.Parallel()

	sim, opts := startSim(t, qualyssim.Config{})
	demo := sim.Dataset().DemoValues()
	opts.CustomQIDRegex = `ASSET-\d+` // blank value regex: the last run of digits
	e := newTestEngine(t, opts)

	text := strings.Join([]string{demo.IP, demo.IPFirst, demo.IPTen, demo.IPv6, demo.Domain,
		demo.CVE, "QID:38623", "127.0.0.1", "ASSET-00038623"}, " ")
	got, err := e.Lookup(t.Context(), Request{Text: text})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}

	t.Run("every_entity_has_its_result_in_order", func(t *testing.T) {
		var order []string
		for _, r := range got.Results {
			order = append(order, r.Entity.Value)
			if len(r.Errors) > 0 {
				t.Errorf("%s: errors %+v", r.Entity.Value, r.Errors)
			}
		}
		want := []string{demo.IP, demo.IPFirst, demo.IPTen, demo.IPv6, demo.Domain, demo.CVE,
			"38623", "127.0.0.1", "00038623"}
		if diff := cmp.Diff(want, order); diff != "" {
			t.Errorf("result order (-want +got):\n%s", diff)
		}
	})

	t.Run("ips_keep_their_own_hosts", func(t *testing.T) {
		for _, ip := range []string{demo.IP, demo.IPFirst, demo.IPTen} {
			if diff := cmp.Diff([]string{ip}, hostIPs(resultFor(t, got, extract.IPv4, ip))); diff != "" {
				t.Errorf("%s hosts (-want +got):\n%s", ip, diff)
			}
		}
		r := resultFor(t, got, extract.IPv4, demo.IP)
		if n := len(r.HostDetections[0].Detections); n == 0 || n > len(demo.HostQIDs) {
			t.Errorf("%s has %d detections, want 1..%d", demo.IP, n, len(demo.HostQIDs))
		}
	})

	t.Run("ipv6_host", func(t *testing.T) {
		r := resultFor(t, got, extract.IPv6, demo.IPv6)
		if len(r.HostDetections) != 1 || r.HostDetections[0].IPv6 == "" {
			t.Errorf("IPv6 hosts = %v, want the one IPv6 host", hostIPs(r))
		}
	})

	t.Run("cve_has_all_its_qids_and_hosts", func(t *testing.T) {
		r := resultFor(t, got, extract.CVE, demo.CVE)
		var qids []int
		for _, k := range r.KnowledgeBaseRecords {
			qids = append(qids, k.QID)
		}
		slices.Sort(qids)
		want := slices.Sorted(slices.Values(demo.CVEQIDs))
		if diff := cmp.Diff(want, qids); diff != "" {
			t.Errorf("CVE KB QIDs (-want +got):\n%s", diff)
		}
		if len(r.HostDetections) == 0 {
			t.Fatal("CVE shows no hosts")
		}
		for _, h := range r.HostDetections {
			for _, d := range h.Detections {
				if !slices.Contains(want, d.QID) {
					t.Errorf("host %s carries QID %d, not one of the CVE's", h.IP, d.QID)
				}
			}
		}
	})

	t.Run("qid_on_two_ports_stays_two_detections", func(t *testing.T) {
		r := resultFor(t, got, extract.QID, "38623")
		if len(r.KnowledgeBaseRecords) != 1 {
			t.Errorf("KB records = %d, want 1", len(r.KnowledgeBaseRecords))
		}
		// Qualys leaves out Fixed detections unless asked: count the open ones.
		open := 0
		for _, h := range sim.Dataset().HostsWithQID(38623) {
			if slices.ContainsFunc(h.Detections, func(d qualyssim.Detection) bool {
				return d.QID == 38623 && d.Status != qualyssim.StatusFixed
			}) {
				open++
			}
		}
		if len(r.HostDetections) != open || open == 0 {
			t.Errorf("hosts = %d, want %d", len(r.HostDetections), open)
		}
		for _, h := range r.HostDetections {
			var ports []int
			for _, d := range h.Detections {
				if d.QID != 38623 {
					t.Errorf("host %s: detection of QID %d on a QID card", h.IP, d.QID)
				}
				ports = append(ports, d.Port)
			}
			if h.IP == demo.IP && !cmp.Equal([]int{443, 8443}, slices.Sorted(slices.Values(ports))) {
				t.Errorf("%s ports = %v, want [443 8443]", demo.IP, ports)
			}
		}
	})

	t.Run("custom_qid_is_its_qid_and_keeps_its_value", func(t *testing.T) {
		custom := resultFor(t, got, extract.CustomQID, "00038623")
		qid := resultFor(t, got, extract.QID, "38623")
		if custom.Entity.Raw != "ASSET-00038623" {
			t.Errorf("custom QID raw = %q", custom.Entity.Raw)
		}
		if diff := cmp.Diff(digestOf(qid).Hosts, digestOf(custom).Hosts); diff != "" ||
			len(custom.KnowledgeBaseRecords) != 1 || custom.KnowledgeBaseRecords[0].QID != 38623 {
			t.Errorf("custom QID differs from QID 38623 (-qid +custom):\n%s", diff)
		}
	})

	t.Run("domain_on_label_boundary", func(t *testing.T) {
		r := resultFor(t, got, extract.Domain, demo.Domain)
		if len(r.HostDetections) != demo.DomainHosts {
			t.Errorf("domain hosts = %d, want %d", len(r.HostDetections), demo.DomainHosts)
		}
		for _, h := range r.HostDetections {
			if !domainMatches(h.DNS, demo.Domain) {
				t.Errorf("domain result holds host %q", h.DNS)
			}
		}
	})
}

func TestSimWarmCachePartialFailureAndRefresh(t *testing.T) {
	t.Parallel()

	sim, opts := startSim(t, qualyssim.Config{})
	demo := sim.Dataset().DemoValues()
	e := newTestEngine(t, opts)
	req := Request{Entities: []EntityRef{{extract.IPv4, demo.IP}, {extract.QID, "38623"},
		{extract.CVE, demo.CVE}, {extract.Domain, demo.Domain}}}

	sim.SetFault(qualyssim.Fault{Kind: qualyssim.FaultAccountExpired,
		Path: "/api/4.0/fo/knowledge_base/vuln/"})
	failed, err := e.Lookup(t.Context(), req)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	sim.ClearFaults()

	ip := resultFor(t, failed, extract.IPv4, demo.IP)
	if len(ip.Errors) != 0 || len(ip.HostDetections) != 1 {
		t.Errorf("IP result hurt by a KB failure: errors %+v, %d hosts", ip.Errors,
			len(ip.HostDetections))
	}
	qid := resultFor(t, failed, extract.QID, "38623")
	if diff := cmp.Diff([]string{"knowledgeBase:2001"}, digestOf(qid).Errors); diff != "" {
		t.Errorf("QID errors (-want +got):\n%s", diff)
	}
	if len(qid.HostDetections) == 0 {
		t.Error("QID lost its hosts to a KB failure")
	}

	// The failed KB answers were not cached: this lookup fetches them, the rest is warm.
	healed, err := e.Lookup(t.Context(), req)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	for _, r := range healed.Results {
		if len(r.Errors) != 0 {
			t.Errorf("%s still has errors %+v", r.Entity.Value, r.Errors)
		}
	}
	if healed.Stats.APICalls == 0 || healed.Stats.CacheHits == 0 {
		t.Errorf("healing stats = %+v, want some calls and some hits", healed.Stats)
	}

	warm, err := e.Lookup(t.Context(), req)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if warm.Stats.APICalls != 0 {
		t.Errorf("warm lookup made %d API calls, want 0", warm.Stats.APICalls)
	}

	req.Refresh = true
	fresh, err := e.Lookup(t.Context(), req)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if fresh.Stats.APICalls == 0 || fresh.Stats.CacheHits != 0 {
		t.Errorf("refresh stats = %+v, want calls and no hits", fresh.Stats)
	}
}

func TestSimLaunchAndFollowScan(t *testing.T) {
	t.Parallel()

	clock := &simClock{now: time.Now().UTC()}
	_, opts := startSim(t, qualyssim.Config{Clock: clock.Now})
	opts.EnableScanLaunch, opts.ScanOptionProfile = true, qualyssim.DemoOptionProfile
	e := newTestEngine(t, opts)

	launch, err := e.LaunchScan(t.Context(), "10.0.0.77", "alice")
	if err != nil {
		t.Fatalf("LaunchScan: %v", err)
	}
	again, err := e.LaunchScan(t.Context(), "10.0.0.77", "bob")
	if err != nil {
		t.Fatalf("LaunchScan again: %v", err)
	}
	if again.Ref != launch.Ref || !strings.Contains(again.Message, "already launched") {
		t.Errorf("second launch = %+v, want the first scan %s", again, launch.Ref)
	}

	var states []string
	for _, step := range []time.Duration{0, 5 * time.Second, 15 * time.Second} {
		clock.Advance(step)
		s, err := e.ScanStatus(t.Context(), launch.Ref)
		if err != nil {
			t.Fatalf("ScanStatus: %v", err)
		}
		if !strings.Contains(s.Title, "alice") {
			t.Errorf("scan title %q does not name the analyst", s.Title)
		}
		states = append(states, s.State)
	}
	if diff := cmp.Diff([]string{"Queued", "Running", "Finished"}, states); diff != "" {
		t.Errorf("scan states (-want +got):\n%s", diff)
	}
}

// TestSimLaunchAnswerLost: Qualys starts the scan but its answer is cut. The launch is found
// in the scan list by its tagged title and reported as launched, so nobody launches it again.
func TestSimLaunchAnswerLost(t *testing.T) {
	t.Parallel()

	sim, opts := startSim(t, qualyssim.Config{})
	opts.EnableScanLaunch, opts.ScanOptionProfile = true, qualyssim.DemoOptionProfile
	e := newTestEngine(t, opts)
	sim.SetFault(qualyssim.Fault{Kind: qualyssim.FaultTruncatedBody, Path: "/api/2.0/fo/scan/",
		TruncateAfter: 40, Count: 1})

	got, err := e.LaunchScan(t.Context(), "10.0.0.78", "alice")
	if err != nil {
		t.Fatalf("LaunchScan with a lost answer: %v", err)
	}

	var started []qualyssim.Scan
	for _, s := range sim.Scans() {
		if s.Target == "10.0.0.78" {
			started = append(started, s)
		}
	}
	if len(started) != 1 || started[0].Ref != got.Ref || started[0].Title != got.Title {
		t.Fatalf("launch %+v; the simulator holds %+v, want that one scan", got, started)
	}
	if !strings.Contains(got.Message, "answer was lost") {
		t.Errorf("message %q does not say the answer was lost", got.Message)
	}

	again, err := e.LaunchScan(t.Context(), "10.0.0.78", "bob")
	if err != nil || again.Ref != got.Ref {
		t.Errorf("second launch = %+v, %v; want the recovered scan %s", again, err, got.Ref)
	}
}

func TestSimCheckLaunchSettings(t *testing.T) {
	t.Parallel()

	_, base := startSim(t, qualyssim.Config{})

	tests := []struct {
		name             string
		profile, scanner string
		wantOK           map[string]bool
		wantMsg          map[string]string
	}{
		{"demo_title_and_scanner", qualyssim.DemoOptionProfile, qualyssim.DemoScanner,
			map[string]bool{CheckOptionProfile: true, CheckScanner: true}, nil},
		{"demo_id_and_default_scanner", strconv.Itoa(qualyssim.DemoOptionProfileID), "",
			map[string]bool{CheckOptionProfile: true, CheckScanner: true},
			map[string]string{CheckOptionProfile: `("Initial Options") is in the subscription`}},
		{"typo", "Initial Optons", qualyssim.DemoScanner,
			map[string]bool{CheckOptionProfile: false, CheckScanner: true},
			map[string]string{CheckOptionProfile: `did you mean "Initial Options"?`}},
		{"offline_scanner", qualyssim.DemoOptionProfile, qualyssim.DemoOfflineScanner,
			map[string]bool{CheckOptionProfile: true, CheckScanner: false},
			map[string]string{CheckScanner: `Qualys reports it "Offline"`}},
		{"unknown_scanner", qualyssim.DemoOptionProfile, "scanner9",
			map[string]bool{CheckOptionProfile: true, CheckScanner: false},
			map[string]string{CheckScanner: `not in the subscription; did you mean "scanner1"?`}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			opts := base
			opts.EnableScanLaunch = true
			opts.ScanOptionProfile, opts.ScannerName = tt.profile, tt.scanner

			res, err := newTestEngine(t, opts).Check(t.Context())
			if err != nil {
				t.Fatalf("Check: %v", err)
			}

			got := map[string]bool{}
			for _, r := range res {
				if r.Name != CheckOptionProfile && r.Name != CheckScanner {
					if !r.OK {
						t.Errorf("%s failed on the simulator: %s", r.Name, r.Message)
					}

					continue
				}
				got[r.Name] = r.OK
				if want := tt.wantMsg[r.Name]; want != "" && !strings.Contains(r.Message, want) {
					t.Errorf("%s message %q lacks %q", r.Name, r.Message, want)
				}
			}
			if diff := cmp.Diff(tt.wantOK, got); diff != "" {
				t.Errorf("launch checks (-want +got):\n%s", diff)
			}
		})
	}
}
