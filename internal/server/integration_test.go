package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/qualyssim"
)

// simPassword is the simulator account's password in these tests; it must never leak either.
const simPassword = "sim-Pa55w0rd-4242"

// setupSim starts the Qualys simulator on 127.0.0.1 and a server with the real lookup engine
// pointed at it, scan launch on.
func setupSim(t *testing.T) *env {
	t.Helper()

	sim, err := qualyssim.New(qualyssim.Config{Username: "sim-user", Password: simPassword,
		Hosts: 50, Seed: 7})
	if err != nil {
		t.Fatalf("qualyssim.New: %v", err)
	}
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)

	opts := config.Defaults()
	opts.URL = ts.URL
	opts.Username = "sim-user"
	opts.Password = config.Secret(simPassword)
	opts.EnableScanLaunch = true
	opts.ScanOptionProfile = qualyssim.DemoOptionProfile
	opts.ScannerName = qualyssim.DemoScanner

	return setup(t, opts, func(c *Config) {
		c.NewEngine = nil // the real engine, sharing one cache
		c.HTTPClient = ts.Client()
	})
}

func TestSimLookup(t *testing.T) {
	t.Parallel()

	e := setupSim(t)

	ext := e.do("POST", "/api/v1/extract", analystToken,
		map[string]string{"text": "see " + qualyssim.DemoIP + " and " + qualyssim.DemoCVE})
	if ext.status != http.StatusOK {
		t.Fatalf("extract: status %d, body %s", ext.status, ext.body)
	}
	if n := len(ext.json(t)["entities"].([]any)); n != 2 {
		t.Errorf("extract found %d entities, want 2: %s", n, ext.body)
	}

	got := e.do("POST", "/api/v1/lookup", analystToken,
		map[string]string{"text": "host " + qualyssim.DemoIP + " has " + qualyssim.DemoCVE})
	if got.status != http.StatusOK {
		t.Fatalf("lookup: status %d, body %s", got.status, got.body)
	}
	results, _ := got.json(t)["results"].([]any)
	if len(results) != 2 {
		t.Fatalf("lookup: %d results, want 2", len(results))
	}
	ipResult, _ := results[0].(map[string]any)
	if hosts, _ := ipResult["hostDetections"].([]any); len(hosts) == 0 {
		t.Errorf("no host detections for %s: %v", qualyssim.DemoIP, ipResult["errors"])
	}

	byRef := e.do("POST", "/api/v1/lookup", analystToken,
		`{"entities":[{"type":"qid","value":"38623"}],"refresh":true}`)
	if byRef.status != http.StatusOK {
		t.Errorf("lookup by entities: status %d, body %s", byRef.status, byRef.body)
	}

	met := e.do("GET", "/metrics", adminToken, nil)
	if !strings.Contains(string(met.body), "qlens_qualys_requests_total{endpoint=") {
		t.Errorf("metrics lack Qualys requests fed by the engine's observer")
	}
}

// TestSimScanLaunch launches a scan on the simulator, checks the dedup, the status, the
// refusals and the audit log.
func TestSimScanLaunch(t *testing.T) {
	t.Parallel()

	e := setupSim(t)

	first := e.do("POST", "/api/v1/scans", analystToken, map[string]string{"ip": qualyssim.DemoIP})
	if first.status != http.StatusOK {
		t.Fatalf("launch: status %d, body %s", first.status, first.body)
	}
	ref, _ := first.json(t)["ref"].(string)
	if !strings.HasPrefix(ref, "scan/") {
		t.Fatalf("launch answered ref %q", ref)
	}

	second := e.do("POST", "/api/v1/scans", adminToken, map[string]string{"ip": qualyssim.DemoIP})
	if got, _ := second.json(t)["ref"].(string); second.status != 200 || got != ref {
		t.Errorf("second launch: status %d, ref %q, want the first scan %q", second.status, got, ref)
	}

	status := e.do("GET", "/api/v1/scans?ref="+ref, analystToken, nil)
	if state, _ := status.json(t)["state"].(string); status.status != 200 || state == "" {
		t.Errorf("scan status: status %d, body %s", status.status, status.body)
	}

	if got := e.do("POST", "/api/v1/scans", analystToken, `{"ip":"127.0.0.1"}`); got.status != 400 {
		t.Errorf("launch of loopback: status %d, body %s", got.status, got.body)
	}

	put := e.do("PUT", "/api/v1/options", adminToken, `{"enableScanLaunch":false}`)
	if put.status != http.StatusOK {
		t.Fatalf("PUT: status %d, body %s", put.status, put.body)
	}
	if got := e.do("POST", "/api/v1/scans", analystToken, `{"ip":"10.0.0.1"}`); got.status != 403 {
		t.Errorf("launch after disabling: status %d, body %s", got.status, got.body)
	}

	audit := string(e.do("GET", "/api/v1/audit", adminToken, nil).body)
	for _, want := range []string{ref, `"actor":"alice"`, `"actor":"root"`, "options.change"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit lacks %q: %s", want, audit)
		}
	}
	if strings.Contains(e.logs.String()+audit, simPassword) {
		t.Errorf("the Qualys password leaked into the log or the audit")
	}
}

func TestSimOptionsTest(t *testing.T) {
	t.Parallel()

	e := setupSim(t)

	got := e.do("POST", "/api/v1/options/test", adminToken, nil)
	if got.status != http.StatusOK || got.json(t)["ok"] != true {
		t.Errorf("check with the stored options: status %d, body %s", got.status, got.body)
	}

	bad := e.do("POST", "/api/v1/options/test", adminToken, map[string]string{"password": "wrong"})
	if bad.status == http.StatusOK && bad.json(t)["ok"] == true {
		t.Errorf("check with a wrong password passed: %s", bad.body)
	}
	if strings.Contains(string(got.body)+string(bad.body), simPassword) {
		t.Errorf("check answer leaks the password")
	}
}
