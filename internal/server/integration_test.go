package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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

	// The same text again is answered from the cache.
	e.do("POST", "/api/v1/lookup", analystToken,
		map[string]string{"text": "host " + qualyssim.DemoIP + " has " + qualyssim.DemoCVE})

	met := string(e.do("GET", "/metrics", adminToken, nil).body)
	for _, want := range []string{"qlens_qualys_requests_total{endpoint=",
		`qlens_cache_requests_total{kind="detections_ipv4",result="miss"} 1`,
		`qlens_cache_requests_total{kind="detections_ipv4",result="hit"} 1`,
		`qlens_cache_requests_total{kind="kb_cve",result="hit"} 1`,
		"qlens_lookup_duration_seconds_count 3"} {
		if !strings.Contains(met, want) {
			t.Errorf("metrics lack %q, fed by the engine's observer and the lookups", want)
		}
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

// TestSimConcurrentLaunchesLaunchOnce: simultaneous launches of one IP, by two people, start
// one scan that all of them get, of an address with no scan history; each attempt is audited.
// Run with -race.
func TestSimConcurrentLaunchesLaunchOnce(t *testing.T) {
	t.Parallel()

	e := setupSim(t)
	const ip, clicks = "10.77.0.9", 8 // not a simulator host: no scan history

	history := e.do("POST", "/api/v1/lookup", analystToken,
		map[string]any{"entities": []map[string]string{{"type": "IPv4", "value": ip}}})
	if n := scanCount(t, history); n != 0 {
		t.Fatalf("%s has %d scans before the launch, want none", ip, n)
	}

	refs, titles := make([]string, clicks), make([]string, clicks)
	var wg sync.WaitGroup
	for i := range clicks {
		token := analystToken
		if i%2 == 1 {
			token = adminToken
		}
		wg.Go(func() {
			got := e.do("POST", "/api/v1/scans", token, map[string]string{"ip": ip})
			if got.status != http.StatusOK {
				t.Errorf("launch %d: status %d, body %s", i, got.status, got.body)
				return
			}
			body := got.json(t)
			refs[i], _ = body["ref"].(string)
			titles[i], _ = body["title"].(string)
		})
	}
	wg.Wait()

	for i, ref := range refs {
		if ref == "" || ref != refs[0] {
			t.Fatalf("launch %d answered %q, want every launch to answer %q", i, ref, refs[0])
		}
	}
	if !strings.Contains(titles[0], " by alice") && !strings.Contains(titles[0], " by root") {
		t.Errorf("scan title %q does not name who launched it", titles[0])
	}

	after := e.do("POST", "/api/v1/lookup", analystToken, map[string]any{"refresh": true,
		"entities": []map[string]string{{"type": "IPv4", "value": ip}}})
	if n := scanCount(t, after); n != 1 {
		t.Errorf("the simulator holds %d scans of %s, want 1", n, ip)
	}

	var audit struct {
		Entries []AuditEntry `json:"entries"`
	}
	decodeInto(t, e.do("GET", "/api/v1/audit", adminToken, nil).body, &audit)
	if len(audit.Entries) != clicks {
		t.Fatalf("%d audit entries, want %d", len(audit.Entries), clicks)
	}
	for _, a := range audit.Entries {
		if a.Ref != refs[0] || a.IP != ip || a.Result != "ok" || a.Actor == "" {
			t.Errorf("audit entry %+v, want ip %s, ref %s, ok, an actor", a, ip, refs[0])
		}
	}
}

func scanCount(t *testing.T, r response) int {
	t.Helper()

	var body struct {
		Results []struct {
			Scans []any `json:"scans"`
		} `json:"results"`
	}
	decodeInto(t, r.body, &body)
	if r.status != http.StatusOK || len(body.Results) != 1 {
		t.Fatalf("lookup: status %d, body %s", r.status, r.body)
	}

	return len(body.Results[0].Scans)
}

// TestSimLaunchRefusals: the options' ignore list and the skip rules hold for launches too, and
// the 400 says why in plain words.
func TestSimLaunchRefusals(t *testing.T) {
	t.Parallel()

	e := setupSim(t)
	if put := e.do("PUT", "/api/v1/options", adminToken,
		map[string]any{"ignore": []string{"10.66.0.0/16"}}); put.status != http.StatusOK {
		t.Fatalf("PUT ignore: status %d, body %s", put.status, put.body)
	}

	tests := []struct {
		name, ip, want string
	}{
		{"ignored", "10.66.1.1", "ignore list"},
		{"broadcast", "255.255.255.255", "broadcast"},
		{"ipv6", "2001:db8::1", "not an IPv4"},
		{"two_addresses", "10.0.0.5 10.0.0.6", "not an IPv4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.do("POST", "/api/v1/scans", analystToken, map[string]string{"ip": tt.ip})
			msg, _ := got.json(t)["error"].(string)
			if got.status != http.StatusBadRequest || !strings.Contains(msg, tt.want) ||
				strings.HasPrefix(msg, "bad input") {
				t.Errorf("status %d, error %q; want 400 saying %q", got.status, msg, tt.want)
			}
		})
	}
}

// TestSimKBHTMLSanitised: the simulator's QID 11827 carries a <script> and an onclick; the API
// answers its KB HTML with neither, and keeps the https link.
func TestSimKBHTMLSanitised(t *testing.T) {
	t.Parallel()

	e := setupSim(t)

	got := e.do("POST", "/api/v1/lookup", analystToken,
		`{"entities":[{"type":"qid","value":"11827"}]}`)
	var body struct {
		Results []struct {
			KB []struct {
				Diagnosis, Consequence, Solution string
			} `json:"knowledgeBaseRecords"`
		} `json:"results"`
	}
	decodeInto(t, got.body, &body)
	if got.status != http.StatusOK || len(body.Results) != 1 || len(body.Results[0].KB) != 1 {
		t.Fatalf("lookup: status %d, body %s", got.status, got.body)
	}

	kb := body.Results[0].KB[0]
	html := strings.ToLower(kb.Diagnosis + kb.Consequence + kb.Solution)
	for _, banned := range []string{"<script", "document.title", "onclick", "javascript:"} {
		if strings.Contains(html, banned) {
			t.Errorf("KB HTML keeps %q: %s", banned, html)
		}
	}
	if !strings.Contains(kb.Solution, `href="https://developer.mozilla.org/`) ||
		!strings.Contains(kb.Solution, "nofollow") {
		t.Errorf("KB solution lost its https link or its rel=nofollow: %s", kb.Solution)
	}
}
