package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/lookup"
	"github.com/qlens/qlens/internal/model"
)

// Test secrets: none of them may appear in a response, a log line or the audit log.
const (
	analystToken = "analyst-token-7d1c"   // from QLENS_TOKENS
	adminToken   = "admin-token-93fe"     // from the config file, as a hash
	qualysPass   = "qualys-Pa55w0rd-xyz"  // the options' password
	newPass      = "rotated-Pa55w0rd-abc" // a password set through PUT
)

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))

	return hex.EncodeToString(sum[:])
}

func validOptions() config.Options {
	o := config.Defaults()
	o.URL = "https://qualysapi.example.test"
	o.Username = "api-user"
	o.Password = config.Secret(qualysPass)

	return o
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()

	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()

	return b.buf.String()
}

// fakeEngine stands in for the lookup engine where a test is about the server, not Qualys.
type fakeEngine struct {
	opts     config.Options
	mu       *sync.Mutex
	launches map[string]model.ScanLaunch
	block    chan struct{} // when set, Lookup waits for it to close
	started  chan struct{} // when set, Lookup closes it on entry
}

func (f *fakeEngine) Extract(text []byte) []extract.Entity {
	if strings.Contains(string(text), "PANIC") {
		panic("fake engine: asked to panic")
	}
	var ents []extract.Entity
	for _, w := range strings.Fields(string(text)) {
		if _, err := netip.ParseAddr(w); err == nil {
			ents = append(ents, extract.Entity{Type: extract.IPv4, Value: w, Raw: w})
		}
	}

	return ents
}

func (f *fakeEngine) Lookup(ctx context.Context, req lookup.Request) (model.Lookup, error) {
	if f.started != nil {
		close(f.started)
	}
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return model.Lookup{}, ctx.Err()
		}
	}

	return model.Lookup{Results: []model.Result{}}, nil
}

func (f *fakeEngine) LaunchScan(ctx context.Context, ip, actor string) (model.ScanLaunch, error) {
	if !f.opts.EnableScanLaunch {
		return model.ScanLaunch{}, lookup.ErrLaunchDisabled
	}
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is4() || a.IsLoopback() {
		return model.ScanLaunch{}, fmt.Errorf("%w: %q is not an IPv4 address to scan", lookup.ErrBadInput, ip)
	}

	f.mu.Lock()
	defer f.mu.Unlock()

	if prev, ok := f.launches[ip]; ok {
		prev.Message = "a scan of this IP was launched recently; returning it"
		return prev, nil
	}
	res := model.ScanLaunch{Ref: fmt.Sprintf("scan/1700000000.%d", len(f.launches)+1),
		ID: int64(len(f.launches) + 1), Title: "qlens " + ip + " by " + actor, Message: "launched"}
	f.launches[ip] = res

	return res, nil
}

func (f *fakeEngine) ScanStatus(ctx context.Context, ref string) (model.Scan, error) {
	if ref == "scan/missing" {
		return model.Scan{}, lookup.ErrScanNotFound
	}

	return model.Scan{Ref: ref, State: "Running", SubState: "Scanning"}, nil
}

func (f *fakeEngine) Check(ctx context.Context) ([]lookup.CheckResult, error) {
	return []lookup.CheckResult{{Name: "detections", OK: true, Message: "ok"}}, nil
}

// fakeFactory builds fake engines and remembers the options of each build.
type fakeFactory struct {
	mu       sync.Mutex
	builds   []config.Options
	launches map[string]model.ScanLaunch
	block    chan struct{}
	started  chan struct{}
}

func newFakeFactory() *fakeFactory {
	return &fakeFactory{launches: map[string]model.ScanLaunch{}}
}

func (ff *fakeFactory) build(opts config.Options) (Engine, error) {
	ff.mu.Lock()
	defer ff.mu.Unlock()

	ff.builds = append(ff.builds, opts)

	return &fakeEngine{opts: opts, mu: &ff.mu, launches: ff.launches, block: ff.block,
		started: ff.started}, nil
}

func (ff *fakeFactory) last() config.Options {
	ff.mu.Lock()
	defer ff.mu.Unlock()

	return ff.builds[len(ff.builds)-1]
}

// env is a test server with its log output and data directory.
type env struct {
	t       *testing.T
	srv     *Server
	url     string
	dataDir string
	logs    *syncBuffer
	factory *fakeFactory
}

// setup starts a server on 127.0.0.1 with an analyst token from QLENS_TOKENS, an admin token
// from the config file, the given options and a fake engine. mod may change the config.
func setup(t *testing.T, opts config.Options, mod func(*Config)) *env {
	t.Helper()

	e := &env{t: t, dataDir: t.TempDir(), logs: &syncBuffer{}, factory: newFakeFactory()}
	cfg := Config{
		File: config.File{Options: opts, Server: config.Server{Tokens: []config.Token{
			{Name: "root", Role: RoleAdmin, SHA256: sha(adminToken)},
		}}},
		Getenv:    envOf(map[string]string{"QLENS_TOKENS": "alice:analyst:" + analystToken}),
		DataDir:   e.dataDir,
		Logger:    slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		NewEngine: e.factory.build,
		Web: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "<!doctype html><title>qlens</title>")
		}),
		Clock: func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) },
	}
	if mod != nil {
		mod(&cfg)
	}

	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e.srv, e.url = srv, ts.URL

	return e
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// response is what a test request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()

	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode body %q: %v", r.body, err)
	}

	return m
}

// do sends one request with an optional bearer token and body.
func (e *env) do(method, path, token string, body any) response {
	e.t.Helper()

	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}

	req, err := http.NewRequestWithContext(e.t.Context(), method, e.url+path, rd)
	if err != nil {
		e.t.Fatalf("new request: %v", err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()

	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("read body: %v", err)
	}

	return response{status: resp.StatusCode, header: resp.Header, body: raw}
}
