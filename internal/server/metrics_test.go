package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/qlens/qlens/internal/qualys"
)

func TestMetrics(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), nil)
	e.srv.Metrics().ObserveQualys(qualys.Event{Kind: qualys.EventRequest, Endpoint: "detection",
		Outcome: "ok"})
	e.srv.Metrics().ObserveQualys(qualys.Event{Kind: qualys.EventWait, Outcome: "rate_limit"})
	e.do("POST", "/api/v1/lookup", analystToken, `{"text":"10.0.0.5"}`)

	got := e.do("GET", "/metrics", adminToken, nil)
	if got.status != http.StatusOK {
		t.Fatalf("status = %d", got.status)
	}
	for _, want := range []string{
		`qlens_http_requests_total{code="200",route="POST /api/v1/lookup"} 1`,
		`qlens_qualys_requests_total{endpoint="detection",outcome="ok"} 1`,
		`qlens_qualys_waits_total{reason="rate_limit"} 1`,
		`qlens_lookup_duration_seconds_count 1`,
	} {
		if !strings.Contains(string(got.body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestOpenMetrics(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), func(c *Config) { c.OpenMetrics = true })
	if got := e.do("GET", "/metrics", "", nil); got.status != http.StatusOK {
		t.Errorf("open metrics without token: status %d", got.status)
	}
}

// TestNoSecretInLogs drives calls that handle every secret and greps the captured log.
func TestNoSecretInLogs(t *testing.T) {
	t.Parallel()

	e := setup(t, validOptions(), launchOptions())

	e.do("GET", "/api/v1/me", analystToken, nil)
	e.do("GET", "/api/v1/me", "wrong-"+adminToken, nil)
	e.do("PUT", "/api/v1/options", adminToken, map[string]any{"password": newPass, "url": "bad"})
	e.do("PUT", "/api/v1/options", adminToken, map[string]any{"password": newPass})
	e.do("POST", "/api/v1/scans", analystToken, `{"ip":"10.0.0.7"}`)
	e.do("POST", "/api/v1/options/test", adminToken, map[string]any{"password": newPass})

	logs := e.logs.String()
	if !strings.Contains(logs, `"actor":"alice"`) || !strings.Contains(logs, `"actor":"root"`) {
		t.Errorf("logs lack the actors:\n%s", logs)
	}
	for _, secret := range []string{analystToken, adminToken, qualysPass, newPass} {
		if strings.Contains(logs, secret) {
			t.Errorf("log contains secret %q", secret)
		}
	}
}
