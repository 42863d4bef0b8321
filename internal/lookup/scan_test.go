package lookup

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/model"
)

func TestLaunchScanRules(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		enable  bool
		ip      string
		wantErr error
	}{
		{"disabled", false, "10.0.0.5", ErrLaunchDisabled},
		{"range_refused", true, "10.0.0.1-10.0.0.9", ErrBadInput},
		{"list_refused", true, "10.0.0.1,10.0.0.2", ErrBadInput},
		{"ipv6_refused", true, "2001:db8::5", ErrBadInput},
		{"loopback_refused", true, "127.0.0.1", ErrBadInput},
		{"ignored_refused", true, "192.168.4.4", ErrBadInput},
		{"never_scanned_ip_launches", true, "10.20.30.40", nil},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			fake := newFakeQualys()
			opts := fake.start(t)
			opts.EnableScanLaunch, opts.ScanOptionProfile = tt.enable, "Initial Options"
			opts.Ignore = []string{"192.168.0.0/16"}
			e := newTestEngine(t, opts)

			_, err := e.LaunchScan(t.Context(), tt.ip, "alice")
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("LaunchScan(%q) error = %v, want %v", tt.ip, err, tt.wantErr)
			}
			wantLaunches := 0
			if tt.wantErr == nil {
				wantLaunches = 1
			}
			if n := fake.callCount(epLaunch); n != wantLaunches {
				t.Errorf("launch calls = %d, want %d", n, wantLaunches)
			}
		})
	}
}

func TestLaunchScanParameters(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name, profile, scanner string
		want                   map[string]string
	}{
		{"numeric_profile_is_an_id", "123456", "",
			map[string]string{"option_id": "123456", "option_title": "", "default_scanner": "1",
				"iscanner_name": "", "ip": "10.0.0.5"}},
		{"titled_profile_and_named_scanner", "Initial Options", "appliance-1",
			map[string]string{"option_id": "", "option_title": "Initial Options",
				"default_scanner": "", "iscanner_name": "appliance-1", "ip": "10.0.0.5"}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			fake := newFakeQualys()
			opts := fake.start(t)
			opts.EnableScanLaunch, opts.ScanOptionProfile, opts.ScannerName = true, tt.profile, tt.scanner
			e := newTestEngine(t, opts)

			got, err := e.LaunchScan(t.Context(), "10.0.0.5", "alice\n")
			if err != nil {
				t.Fatalf("LaunchScan: %v", err)
			}
			if got.Ref != "scan/1800000000.12345" || got.ID != 777 {
				t.Errorf("launch = %+v, want the ref and id Qualys gave", got)
			}

			fake.mu.Lock()
			sent := fake.launches[0]
			fake.mu.Unlock()
			gotParams := map[string]string{}
			for k := range tt.want {
				gotParams[k] = sent.Get(k)
			}
			if diff := cmp.Diff(tt.want, gotParams); diff != "" {
				t.Errorf("launch parameters (-want +got):\n%s", diff)
			}
			// The title names the analyst and carries the tag that finds a lost launch.
			title := sent.Get("scan_title")
			if !regexp.MustCompile(`^qlens: 10\.0\.0\.5 by alice \[[0-9a-f]{8}\]$`).MatchString(title) ||
				got.Title != title {
				t.Errorf("scan_title = %q (answer %q), want the IP, the analyst and a tag", title,
					got.Title)
			}
		})
	}
}

func TestLaunchScanDedup(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	opts := fake.start(t)
	opts.EnableScanLaunch, opts.ScanOptionProfile = true, "Initial Options"
	e := newTestEngine(t, opts)

	// Concurrent double clicks, then a later click: one launch for all.
	const clicks = 4
	results := make([]model.ScanLaunch, clicks)
	var wg sync.WaitGroup
	for i := range clicks {
		wg.Go(func() {
			r, err := e.LaunchScan(t.Context(), "10.0.0.5", "alice")
			if err != nil {
				t.Errorf("LaunchScan: %v", err)
			}
			results[i] = r
		})
	}
	wg.Wait()
	later, err := e.LaunchScan(t.Context(), "10.0.0.5", "bob")
	if err != nil {
		t.Fatalf("LaunchScan: %v", err)
	}
	other, err := e.LaunchScan(t.Context(), "10.0.0.6", "bob")
	if err != nil {
		t.Fatalf("LaunchScan: %v", err)
	}

	if n := fake.callCount(epLaunch); n != 2 {
		t.Errorf("launch calls = %d, want 2 (one per IP)", n)
	}
	for _, r := range append(results, later) {
		if r.Ref != "scan/1800000000.12345" {
			t.Errorf("dedup launch ref = %q, want the first scan's", r.Ref)
		}
	}
	if !strings.Contains(later.Message, "already launched") || !strings.Contains(later.Message, "alice") {
		t.Errorf("dedup message %q does not say who launched it", later.Message)
	}
	if strings.Contains(other.Message, "already") {
		t.Errorf("another IP was deduplicated: %q", other.Message)
	}
}

func TestScanStatus(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	e := newTestEngine(t, fake.start(t))

	got, err := e.ScanStatus(t.Context(), scanTen)
	if err != nil {
		t.Fatalf("ScanStatus: %v", err)
	}
	if got.Ref != scanTen || got.State != "Finished" {
		t.Errorf("ScanStatus = %+v, want %s Finished", got, scanTen)
	}
	if _, err := e.ScanStatus(t.Context(), "scan/1.2"); !errors.Is(err, ErrScanNotFound) {
		t.Errorf("unknown ref error = %v, want ErrScanNotFound", err)
	}
	if _, err := e.ScanStatus(t.Context(), "scan/1;drop"); !errors.Is(err, ErrBadInput) {
		t.Errorf("bad ref error = %v, want ErrBadInput", err)
	}
	// Status is never cached: two asks, two calls (plus the unknown ref above).
	if _, err := e.ScanStatus(t.Context(), scanTen); err != nil {
		t.Fatalf("ScanStatus: %v", err)
	}
	if n := fake.callCount(epScanList); n != 3 {
		t.Errorf("scan list calls = %d, want 3", n)
	}
}

// TestLaunchScanOutcome: only a failure that leaves the outcome open sends qlens to the scan
// list; a refusal with a code is final, and a lost answer with no scan behind it stays an
// error (so that a retry may launch).
func TestLaunchScanOutcome(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		fault     fakeFault
		wantLists int
	}{
		{"refused_with_a_code", fakeFault{status: http.StatusBadRequest, code: "1905",
			text: "option profile not found"}, 0},
		{"account_expired_with_200", fakeFault{status: http.StatusOK, code: "2001",
			text: "account expired"}, 0},
		{"html_error_page", fakeFault{status: http.StatusBadGateway,
			body: "<html><body>Bad Gateway</body></html>"}, 1},
		{"answer_is_not_xml", fakeFault{status: http.StatusOK, body: "<SIMPLE_RETURN><RESP"}, 1},
		{"empty_409_from_a_proxy", fakeFault{status: http.StatusConflict, body: " "}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			fake := newFakeQualys()
			opts := fake.start(t)
			opts.EnableScanLaunch, opts.ScanOptionProfile = true, "Initial Options"
			fake.setFault(epLaunch, tt.fault)
			e := newTestEngine(t, opts)

			if _, err := e.LaunchScan(t.Context(), "10.0.0.5", "alice"); err == nil {
				t.Fatal("LaunchScan succeeded, want the failure")
			}
			if n := fake.callCount(epScanList); n != tt.wantLists {
				t.Errorf("scan-list calls = %d, want %d", n, tt.wantLists)
			}
			if n := fake.callCount(epLaunch); n != 1 {
				t.Errorf("launch calls = %d, want 1 (a launch is never re-sent)", n)
			}
		})
	}
}
