package qualys

import (
	"errors"
	"net/http/httptest"
	"slices"
	"testing"

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

func TestSim_bad_password_is_unauthorized(t *testing.T) {
	t.Parallel()

	c, demo := simClient(t, "wrong")

	_, err := c.HostDetections(t.Context(), DetectionQuery{IPs: []string{demo.IP}}, noop[Host])
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("err = %v, want ErrUnauthorized", err)
	}
}
