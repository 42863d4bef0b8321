package qualys

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestScans_list(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		query ScanQuery
		form  map[string]string
		body  string
		want  []Scan
	}{{
		name:  "by_target_with_two_scans",
		query: ScanQuery{Targets: []string{"192.0.2.10"}},
		form: map[string]string{"action": "list", "target": "192.0.2.10", "show_op": "1",
			"show_status": "1", "scan_ref": "-"},
		body: scanListTwo,
		want: []Scan{{
			Ref: "scan/1740000000.12345", Title: "qlens 192.0.2.10", State: "Finished",
			SubState: "No_Vuln", Type: "API", Launched: ts("2025-02-19T21:20:00Z"),
			Duration: "00:05:12", User: "qlens_api", Target: "192.0.2.10",
			OptionProfile: "Initial Options",
		}, {
			Ref: "scan/1740003600.54321", Title: "weekly", State: "Running", Type: "On-Demand",
			Launched: ts("2025-02-19T22:20:00Z"), Duration: "Pending", User: "analyst1",
			Target: "192.0.2.10, 192.0.2.20-192.0.2.30",
		}},
	}, {
		name: "by_ref_without_scan_list_is_empty",
		query: ScanQuery{Ref: "scan/1740000000.12345",
			LaunchedAfter: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)},
		form: map[string]string{"scan_ref": "scan/1740000000.12345", "target": "-",
			"launched_after_datetime": "2025-01-02T03:04:05Z"},
		body: scanListEmpty,
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c, mux := setup(t)
			mux.HandleFunc("/api/3.0/fo/scan/", expectForm(t, tt.form, http.StatusOK, tt.body))

			emit, got := collect[Scan]()
			if err := c.Scans(t.Context(), tt.query, emit); err != nil {
				t.Fatalf("Scans: %v", err)
			}

			if diff := cmp.Diff(tt.want, got()); diff != "" {
				t.Errorf("scans (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLaunchScan_form_and_items_by_key(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		req  LaunchRequest
		form map[string]string
	}{{
		name: "option_id_and_default_scanner",
		req:  LaunchRequest{Title: "qlens 192.0.2.10", IP: "192.0.2.10", OptionID: 42},
		form: map[string]string{"action": "launch", "scan_title": "qlens 192.0.2.10",
			"ip": "192.0.2.10", "option_id": "42", "option_title": "-", "default_scanner": "1",
			"iscanner_name": "-"},
	}, {
		name: "option_title_and_named_scanner",
		req: LaunchRequest{Title: "t", IP: "192.0.2.10", OptionTitle: "Initial Options",
			ScannerName: "scanner_dc1"},
		form: map[string]string{"option_title": "Initial Options", "option_id": "-",
			"iscanner_name": "scanner_dc1", "default_scanner": "-"},
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			c, mux := setup(t)
			mux.HandleFunc("/api/2.0/fo/scan/", expectForm(t, tt.form, http.StatusOK, launchOK))

			got, err := c.LaunchScan(t.Context(), tt.req)
			if err != nil {
				t.Fatalf("LaunchScan: %v", err)
			}

			if diff := cmp.Diff(LaunchResult{ID: 770001, Ref: "scan/1741082400.77001"}, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLaunchScan_invalid_requests(t *testing.T) {
	t.Parallel()

	c, _ := setup(t)

	for _, r := range []LaunchRequest{
		{Title: "t", IP: "192.0.2.1"},
		{Title: "t", IP: "192.0.2.1", OptionID: 1, OptionTitle: "x"},
		{IP: "192.0.2.1", OptionID: 1},
		{Title: "t", OptionID: 1},
	} {
		if _, err := c.LaunchScan(t.Context(), r); !errors.Is(err, ErrInvalidQuery) {
			t.Errorf("LaunchScan(%+v) err = %v, want ErrInvalidQuery", r, err)
		}
	}
}

func TestLaunchScan_retries(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		first     func(w http.ResponseWriter)
		wantCalls int32
		wantErr   bool
	}{{
		name: "server_error_is_never_retried",
		first: func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusBadGateway)
		},
		wantCalls: 1, wantErr: true,
	}, {
		name: "business_error_is_not_retried",
		first: func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(simpleError("1904", "Please specify only one of these "+
				"parameters: option_id, option_title")))
		},
		wantCalls: 1, wantErr: true,
	}, {
		name: "concurrency_block_1960_is_resent",
		first: func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(simpleError("1960", "This API cannot be run again until 1 "+
				"currently running API instance has finished.", "CALLS_TO_FINISH", "1")))
		},
		wantCalls: 2,
	}, {
		name: "rate_block_1965_is_resent",
		first: func(w http.ResponseWriter) {
			w.Header().Set("X-RateLimit-ToWait-Sec", "20")
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(simpleError("1965", "This API cannot be run again for "+
				"another 20 seconds.", "SECONDS_TO_WAIT", "20")))
		},
		wantCalls: 2,
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			synctest.Test(t, func(t *testing.T) {
				var calls atomic.Int32

				c := memClient(t, firstThen(&calls, tt.first, launchOK))

				_, err := c.LaunchScan(t.Context(), LaunchRequest{Title: "t", IP: "192.0.2.1",
					OptionID: 1})
				if (err != nil) != tt.wantErr || calls.Load() != tt.wantCalls {
					t.Errorf("err = %v after %d calls; want error %v after %d", err,
						calls.Load(), tt.wantErr, tt.wantCalls)
				}
			})
		})
	}
}
