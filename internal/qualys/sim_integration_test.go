package qualys

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/qualyssim"
)

// simClient starts the simulator on 127.0.0.1 and returns a client for it and its demo values.
func simClient(t *testing.T, password string, opts ...func(*Config)) (*Client, qualyssim.DemoValues) {
	t.Helper()

	sim, err := qualyssim.New(qualyssim.Config{Username: "sim", Password: "sim-pass", Seed: 7})
	if err != nil {
		t.Fatalf("qualyssim.New: %v", err)
	}

	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)

	cfg := Config{BaseURL: srv.URL, Username: "sim", Password: Secret(password)}
	for _, o := range opts {
		o(&cfg)
	}

	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}

	return c, sim.Dataset().DemoValues()
}

func TestSim_lookups_end_to_end(t *testing.T) {
	t.Parallel()

	c, demo := simClient(t, "sim-pass", func(cfg *Config) { cfg.PageSize = 50 })
	ctx := t.Context()

	emitHost, hosts := collect[Host]()
	if _, err := c.HostDetections(ctx, DetectionQuery{IPs: []string{demo.IP},
		Status: []string{"New", "Active", "Re-Opened", "Fixed"}}, emitHost); err != nil {
		t.Fatalf("HostDetections: %v", err)
	}

	// Qualys's default filters (no Information Gathered, no ignored or disabled detections)
	// may hide some of the stored QIDs, so every returned QID must be a stored one.
	got := hosts()
	if len(got) != 1 || got[0].ID != demo.HostID || len(got[0].Detections) == 0 {
		t.Fatalf("detections of %s: got %d hosts, want host %d with detections", demo.IP,
			len(got), demo.HostID)
	}

	for _, d := range got[0].Detections {
		if !slices.Contains(demo.HostQIDs, d.QID) {
			t.Errorf("QID %d is not stored on %s", d.QID, demo.IP)
		}
	}

	emitVuln, vulns := collect[Vuln]()
	if _, err := c.KnowledgeBase(ctx, KBQuery{CVEs: []string{demo.CVE}}, emitVuln); err != nil {
		t.Fatalf("KnowledgeBase: %v", err)
	}

	var qids []int
	for _, v := range vulns() {
		qids = append(qids, v.QID)
	}

	slices.Sort(qids)

	if diff := cmp.Diff(demo.CVEQIDs, qids); diff != "" {
		t.Errorf("QIDs of %s (-want +got):\n%s", demo.CVE, diff)
	}

	emitRec, recs := collect[HostRecord]()

	page, err := c.Hosts(ctx, HostListQuery{}, emitRec)
	if err != nil {
		t.Fatalf("Hosts: %v", err)
	}

	if n := len(recs()); n != qualyssim.DefaultHosts || page.Requests != qualyssim.DefaultHosts/50 {
		t.Errorf("host list: %d hosts in %d requests, want %d in %d", n, page.Requests,
			qualyssim.DefaultHosts, qualyssim.DefaultHosts/50)
	}

	emitAsset, assets := collect[Asset]()
	if _, err := c.SearchHostAssets(ctx, AssetQuery{Name: demo.Domain}, emitAsset); err != nil {
		t.Fatalf("SearchHostAssets: %v", err)
	}

	if len(assets()) < demo.DomainHosts || assets()[0].QWebHostID == 0 {
		t.Errorf("assets for %s: %+v, want at least %d with host ids", demo.Domain, assets(),
			demo.DomainHosts)
	}
}

func TestSim_launch_then_list(t *testing.T) {
	t.Parallel()

	c, demo := simClient(t, "sim-pass")

	res, err := c.LaunchScan(t.Context(), LaunchRequest{Title: "qlens test", IP: demo.IP,
		OptionTitle: demo.OptionProfile, ScannerName: demo.Scanner})
	if err != nil {
		t.Fatalf("LaunchScan: %v", err)
	}

	emit, scans := collect[Scan]()
	if err := c.Scans(t.Context(), ScanQuery{Ref: res.Ref}, emit); err != nil {
		t.Fatalf("Scans: %v", err)
	}

	if got := scans(); len(got) != 1 || got[0].Ref != res.Ref || got[0].State == "" {
		t.Errorf("scans for %s: %+v", res.Ref, got)
	}
}

func TestSim_option_profiles_and_appliances(t *testing.T) {
	t.Parallel()

	c, demo := simClient(t, "sim-pass")

	emitOP, profiles := collect[OptionProfile]()
	if err := c.OptionProfiles(t.Context(), emitOP); err != nil {
		t.Fatalf("OptionProfiles: %v", err)
	}

	want := OptionProfile{ID: int64(demo.OptionProfileID), Title: demo.OptionProfile,
		Default: true, Global: true}
	if !slices.Contains(profiles(), want) {
		t.Errorf("profiles %+v lack %+v", profiles(), want)
	}

	emitA, appliances := collect[Appliance]()

	page, err := c.Appliances(t.Context(), emitA)
	if err != nil || page.Truncated {
		t.Fatalf("Appliances: page %+v, err %v", page, err)
	}

	status := map[string]string{}
	for _, a := range appliances() {
		status[a.Name] = a.Status
	}

	if status[demo.Scanner] != "Online" || status[qualyssim.DemoOfflineScanner] != "Offline" {
		t.Errorf("appliance statuses %v, want %s Online and %s Offline", status, demo.Scanner,
			qualyssim.DemoOfflineScanner)
	}
}

func TestSim_bad_password_is_unauthorized(t *testing.T) {
	t.Parallel()

	c, demo := simClient(t, "wrong")

	_, err := c.HostDetections(t.Context(), DetectionQuery{IPs: []string{demo.IP}}, noop[Host])
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("err = %v, want ErrUnauthorized", err)
	}
}

// simWith starts a simulator for cfg on 127.0.0.1 and returns it with a client for it.
func simWith(t *testing.T, cfg qualyssim.Config, opts ...func(*Config)) (*qualyssim.Server,
	*Client) {
	t.Helper()

	cfg.Username, cfg.Password = "sim", "sim-pass"

	sim, err := qualyssim.New(cfg)
	if err != nil {
		t.Fatalf("qualyssim.New: %v", err)
	}

	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)

	ccfg := Config{BaseURL: srv.URL, Username: "sim", Password: "sim-pass"}
	for _, o := range opts {
		o(&ccfg)
	}

	c, err := New(ccfg)
	if err != nil {
		t.Fatal(err)
	}

	return sim, c
}

// TestSim_older_versions points every endpoint at an older version the simulator serves:
// the paths follow Config.Versions.
func TestSim_older_versions(t *testing.T) {
	t.Parallel()

	sim, c := simWith(t, qualyssim.Config{Seed: 3}, func(cfg *Config) {
		cfg.Versions = Versions{Detection: "2.0", HostList: "3.0", KnowledgeBase: "2.0",
			ScanList: "2.0", ScanLaunch: "3.0"}
	})
	demo := sim.Dataset().DemoValues()
	ctx := t.Context()

	emitHost, hosts := collect[Host]()
	if _, err := c.HostDetections(ctx, DetectionQuery{IPs: []string{demo.IP}}, emitHost); err != nil ||
		len(hosts()) != 1 {
		t.Fatalf("detection 2.0: %d hosts, %v", len(hosts()), err)
	}

	emitRec, recs := collect[HostRecord]()
	if _, err := c.Hosts(ctx, HostListQuery{IPs: []string{demo.IP}}, emitRec); err != nil ||
		len(recs()) != 1 || recs()[0].LastScan.IsZero() {
		t.Fatalf("host list 3.0: %+v, %v", recs(), err)
	}

	// KB 2.0 takes no cve= (the simulator answers 1901, as qualys-api.md §4 suggests).
	emitVuln, vulns := collect[Vuln]()
	if _, err := c.KnowledgeBase(ctx, KBQuery{IDs: demo.CVEQIDs}, emitVuln); err != nil ||
		len(vulns()) != len(demo.CVEQIDs) {
		t.Fatalf("KB 2.0: %d vulns, %v", len(vulns()), err)
	}

	_, err := c.KnowledgeBase(ctx, KBQuery{CVEs: []string{demo.CVE}}, noop[Vuln])
	if apiErr, ok := errors.AsType[*APIError](err); !ok || apiErr.Code != "1901" {
		t.Errorf("KB 2.0 with cve=: err = %v, want 1901", err)
	}

	res, err := c.LaunchScan(ctx, LaunchRequest{Title: "v3 launch", IP: demo.IP,
		OptionID: demo.OptionProfileID})
	if err != nil {
		t.Fatalf("launch 3.0: %v", err)
	}

	emitScan, scans := collect[Scan]()
	if err := c.Scans(ctx, ScanQuery{Ref: res.Ref}, emitScan); err != nil || len(scans()) != 1 ||
		scans()[0].Title != "v3 launch" || scans()[0].State != "Queued" {
		t.Errorf("scan list 2.0 for %s: %+v, %v", res.Ref, scans(), err)
	}
}

// TestSim_faults_through_the_client injects each simulator fault and checks what the
// client makes of it.
func TestSim_faults_through_the_client(t *testing.T) {
	t.Parallel()

	const hld = "/api/5.0/fo/asset/host/vm/detection/"

	tests := []struct {
		name     string
		fault    qualyssim.Fault
		opts     func(*Config)
		wantReqs int
		check    func(t *testing.T, err error)
	}{{
		name:     "maintenance_page_then_up",
		fault:    qualyssim.Fault{Kind: qualyssim.FaultMaintenance, Count: 1},
		wantReqs: 2,
	}, {
		name:     "generic_return_502_then_up",
		fault:    qualyssim.Fault{Kind: qualyssim.FaultServerError, Status: 502, Count: 1},
		wantReqs: 2,
	}, {
		name:     "cut_before_the_first_host_is_re_sent",
		fault:    qualyssim.Fault{Kind: qualyssim.FaultTruncatedBody, TruncateAfter: 600, Count: 1},
		wantReqs: 2,
	}, {
		name:     "cut_after_some_hosts_resumes",
		fault:    qualyssim.Fault{Kind: qualyssim.FaultTruncatedBody, TruncateAfter: 30000, Count: 1},
		wantReqs: 2,
	}, {
		name:     "maintenance_page_with_200_is_not_data",
		fault:    qualyssim.Fault{Kind: qualyssim.FaultMaintenance, Status: 200},
		wantReqs: 1,
		check: func(t *testing.T, err error) {
			apiErr, ok := errors.AsType[*APIError](err)
			if !ok || !strings.HasPrefix(apiErr.Text, "HTML page") ||
				!strings.Contains(apiErr.Snippet, "Service Unavailable") {
				t.Errorf("err = %v, want an HTML page error with a snippet", err)
			}
		},
	}, {
		name:     "account_expired_with_200",
		fault:    qualyssim.Fault{Kind: qualyssim.FaultAccountExpired},
		wantReqs: 1,
		check: func(t *testing.T, err error) {
			if apiErr, ok := errors.AsType[*APIError](err); !ok || apiErr.Code != "2001" ||
				apiErr.Status != 200 {
				t.Errorf("err = %v, want 200/2001", err)
			}
		},
	}, {
		name:     "unauthorized",
		fault:    qualyssim.Fault{Kind: qualyssim.FaultUnauthorized},
		wantReqs: 1,
		check: func(t *testing.T, err error) {
			if !errors.Is(err, ErrUnauthorized) ||
				!strings.Contains(err.Error(), "check the credentials and the platform URL") {
				t.Errorf("err = %v, want ErrUnauthorized naming credentials and URL", err)
			}
		},
	}, {
		name:     "slow_body_times_out",
		fault:    qualyssim.Fault{Kind: qualyssim.FaultSlowBody, Delay: time.Second},
		opts:     func(cfg *Config) { cfg.Timeout = 300 * time.Millisecond; cfg.MaxAttempts = 1 },
		wantReqs: 1,
		check: func(t *testing.T, err error) {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want the attempt's deadline", err)
			}
		},
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			opts := []func(*Config){func(cfg *Config) { cfg.PageSize = 500 }}
			if tt.opts != nil {
				opts = append(opts, tt.opts)
			}

			sim, c := simWith(t, qualyssim.Config{Seed: 5}, opts...)
			tt.fault.Path = hld
			sim.SetFault(tt.fault)

			seen := map[int64]int{}
			page, err := c.HostDetections(t.Context(), DetectionQuery{IPs: []string{"10.0.0.0/8"}},
				func(h Host) error { seen[h.ID]++; return nil })

			if page.Requests != tt.wantReqs {
				t.Errorf("requests = %d, want %d (err %v)", page.Requests, tt.wantReqs, err)
			}

			if tt.check != nil {
				tt.check(t, err)

				return
			}

			if err != nil {
				t.Fatalf("HostDetections: %v", err)
			}

			for id, n := range seen {
				if n != 1 {
					t.Errorf("host %d emitted %d times", id, n)
				}
			}

			if len(seen) < 50 {
				t.Errorf("only %d hosts", len(seen))
			}
		})
	}
}

// TestSim_limits_through_the_client: the client learns the simulator's concurrency cap of 1
// from its first answers and rides out the 1960s meanwhile; a spent rate window fails fast.
func TestSim_limits_through_the_client(t *testing.T) {
	t.Parallel()

	t.Run("concurrency", func(t *testing.T) {
		t.Parallel()

		sim, c := simWith(t, qualyssim.Config{Seed: 9, ConcurrencyLimit: 1,
			Latency: 20 * time.Millisecond})
		demo := sim.Dataset().DemoValues()

		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				_, err := c.HostDetections(t.Context(), DetectionQuery{IPs: []string{demo.IP}},
					noop[Host])
				if err != nil {
					t.Error(err)
				}
			})
		}

		wg.Wait()

		l := c.Limits()
		if l.Concurrency != 1 || l.Running != 0 || l.RateLimit != qualyssim.DefaultRateLimit {
			t.Errorf("Limits = %+v, want the simulator's cap 1 and rate limit", l)
		}
	})

	t.Run("rate", func(t *testing.T) {
		t.Parallel()

		sim, c := simWith(t, qualyssim.Config{Seed: 9, RateLimit: 2},
			func(cfg *Config) { cfg.MaxWait = time.Minute })
		demo := sim.Dataset().DemoValues()

		var err error
		for range 3 {
			_, err = c.HostDetections(t.Context(), DetectionQuery{IPs: []string{demo.IP}}, noop[Host])
		}

		rl, ok := errors.AsType[*RateLimitError](err)
		if !ok || rl.ToWait < 50*time.Minute || rl.Err == nil || rl.Err.Code != "1965" {
			t.Errorf("third call: err = %v, want a RateLimitError of about an hour from 1965", err)
		}
	})
}
