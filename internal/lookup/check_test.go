package lookup

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheck(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		faults  map[string]fakeFault
		wantOK  map[string]bool
		wantMsg map[string]string // substring per check
	}{
		{
			name: "all_allowed",
			wantOK: map[string]bool{"detections": true, "knowledgeBase": true, "scans": true,
				"assetSearch": true},
		},
		{
			name: "bad_credentials",
			faults: map[string]fakeFault{epDetection: {status: 401, code: "2000",
				text: "Bad Login/Password"}},
			wantOK: map[string]bool{"detections": false, "knowledgeBase": true, "scans": true,
				"assetSearch": true},
			wantMsg: map[string]string{"detections": "check the username, the password and the platform URL"},
		},
		{
			name:   "no_asset_search",
			faults: map[string]fakeFault{epAssets: {status: http.StatusForbidden, text: "Forbidden"}},
			wantOK: map[string]bool{"detections": true, "knowledgeBase": true, "scans": true,
				"assetSearch": false},
			wantMsg: map[string]string{"assetSearch": "fall back to the host list"},
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

			res, err := e.Check(t.Context())
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			gotOK := map[string]bool{}
			for _, r := range res {
				gotOK[r.Name] = r.OK
				if want := tt.wantMsg[r.Name]; want != "" && !strings.Contains(r.Message, want) {
					t.Errorf("%s message %q lacks %q", r.Name, r.Message, want)
				}
				if strings.Contains(r.Message, "s3cret-pw") {
					t.Errorf("%s message reveals the password", r.Name)
				}
			}
			if diff := cmp.Diff(tt.wantOK, gotOK); diff != "" {
				t.Errorf("check results (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheck_launch_settings(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name             string
		profile, scanner string
		disabled         bool
		mutate           func(*fakeQualys)
		faults           map[string]fakeFault
		wantOK           map[string]bool // of the launch checks only
		wantMsg          map[string][]string
		wantCalls        map[string]int
	}{
		{
			name: "title_and_scanner_found", profile: "Initial Options", scanner: "scanner-eu-1",
			wantOK: map[string]bool{CheckOptionProfile: true, CheckScanner: true},
			wantMsg: map[string][]string{
				CheckOptionProfile: {`option profile "Initial Options" (id 900001) is in`},
				CheckScanner:       {`"scanner-eu-1" (id 51) is in the subscription and Online`},
			},
		},
		{
			name: "digits_match_the_id", profile: " 900002 ",
			wantOK: map[string]bool{CheckOptionProfile: true, CheckScanner: true},
			wantMsg: map[string][]string{
				CheckOptionProfile: {`option profile 900002 ("Deep Scan") is in the subscription`},
			},
		},
		{
			name: "title_typo", profile: "Initial Optons",
			wantOK: map[string]bool{CheckOptionProfile: false, CheckScanner: true},
			wantMsg: map[string][]string{CheckOptionProfile: {
				`option profile "Initial Optons" is not in the subscription; did you mean ` +
					`"Initial Options"? titles there include: "Initial Options", "Deep Scan", ` +
					`"2024"; set scanOptionProfile to one of them, or to its id`}},
		},
		{
			name: "title_differs_in_case", profile: "initial options",
			wantOK: map[string]bool{CheckOptionProfile: false, CheckScanner: true},
			wantMsg: map[string][]string{CheckOptionProfile: {"matches option_title exactly",
				`set scanOptionProfile to "Initial Options"`}},
		},
		{
			name: "unknown_id", profile: "12345",
			wantOK: map[string]bool{CheckOptionProfile: false, CheckScanner: true},
			wantMsg: map[string][]string{CheckOptionProfile: {
				`option profile id 12345 is not in the subscription; profiles there include: ` +
					`900001 "Initial Options", 900002 "Deep Scan", 900003 "2024"`}},
		},
		{
			name: "digits_that_are_a_title", profile: "2024",
			wantOK: map[string]bool{CheckOptionProfile: false, CheckScanner: true},
			wantMsg: map[string][]string{CheckOptionProfile: {`a profile is titled "2024"`,
				"sends digits as option_id"}},
		},
		{
			name: "many_profiles_are_cut", profile: "Nope",
			mutate: func(f *fakeQualys) {
				for i := range 7 {
					f.profiles = append(f.profiles, fakeProfile{id: 910000 + i,
						title: fmt.Sprintf("Extra %d", i)})
				}
			},
			wantOK:  map[string]bool{CheckOptionProfile: false, CheckScanner: true},
			wantMsg: map[string][]string{CheckOptionProfile: {`"Extra 1" and 5 more;`}},
		},
		{
			name: "no_profile_listed", profile: "Initial Options",
			mutate: func(f *fakeQualys) { f.profiles = nil },
			wantOK: map[string]bool{CheckOptionProfile: false, CheckScanner: true},
			wantMsg: map[string][]string{CheckOptionProfile: {
				"Qualys lists no option profile to this account"}},
		},
		{
			name: "blank_scanner_needs_no_call", profile: "Initial Options",
			wantOK: map[string]bool{CheckOptionProfile: true, CheckScanner: true},
			wantMsg: map[string][]string{CheckScanner: {"scannerName is blank",
				"default_scanner=1"}},
			wantCalls: map[string]int{epScanners: 0, epProfiles: 1},
		},
		{
			name: "scanner_typo", profile: "Initial Options", scanner: "scanner-eu1",
			wantOK: map[string]bool{CheckOptionProfile: true, CheckScanner: false},
			wantMsg: map[string][]string{CheckScanner: {
				`scanner appliance "scanner-eu1" is not in the subscription; did you mean ` +
					`"scanner-eu-1"? appliances there include: "scanner-eu-1" (Online), ` +
					`"scanner-dmz" (Offline); set scannerName to one of them`}},
		},
		{
			name: "scanner_offline", profile: "Initial Options", scanner: "scanner-dmz",
			wantOK: map[string]bool{CheckOptionProfile: true, CheckScanner: false},
			wantMsg: map[string][]string{CheckScanner: {`Qualys reports it "Offline"`,
				`Online ones: "scanner-eu-1"`}},
		},
		{
			name: "scanner_differs_in_case", profile: "Initial Options", scanner: "Scanner-EU-1",
			wantOK: map[string]bool{CheckOptionProfile: true, CheckScanner: false},
			wantMsg: map[string][]string{CheckScanner: {"differs only in case",
				`set scannerName to "scanner-eu-1" exactly`}},
		},
		{
			name: "no_appliance_listed", profile: "Initial Options", scanner: "scanner-eu-1",
			mutate: func(f *fakeQualys) { f.scanners = nil },
			wantOK: map[string]bool{CheckOptionProfile: true, CheckScanner: false},
			wantMsg: map[string][]string{CheckScanner: {"Qualys lists no scanner appliance",
				"leave scannerName blank"}},
		},
		{
			name: "may_not_list_is_not_a_failure", profile: "Initial Options",
			scanner: "scanner-eu-1",
			faults: map[string]fakeFault{epProfiles: {status: http.StatusForbidden,
				text: "Forbidden"}, epScanners: {status: http.StatusNotFound, text: "Not Found"}},
			wantOK: map[string]bool{CheckOptionProfile: true, CheckScanner: true},
			wantMsg: map[string][]string{
				CheckOptionProfile: {"not confirmed: the account may not list option profiles " +
					"(HTTP 403), so scanOptionProfile was not checked"},
				CheckScanner: {"not confirmed: the account may not list scanner appliances " +
					"(HTTP 404), so scannerName was not checked"},
			},
		},
		{
			name: "other_list_failures_fail", profile: "Initial Options",
			scanner: "scanner-eu-1",
			faults: map[string]fakeFault{epScanners: {status: http.StatusBadRequest,
				code: "1905", text: "parameter output_mode has invalid value: brief"}},
			wantOK: map[string]bool{CheckOptionProfile: true, CheckScanner: false},
			wantMsg: map[string][]string{CheckScanner: {"Qualys refused the request",
				"1905"}},
		},
		{
			name: "launch_disabled_checks_nothing_more", profile: "Initial Optons",
			scanner: "nope", disabled: true,
			wantOK:    map[string]bool{},
			wantCalls: map[string]int{epScanners: 0, epProfiles: 0},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			fake := newFakeQualys()
			if tt.mutate != nil {
				tt.mutate(fake)
			}
			for ep, f := range tt.faults {
				fake.setFault(ep, f)
			}
			opts := fake.start(t)
			opts.EnableScanLaunch = !tt.disabled
			opts.ScanOptionProfile, opts.ScannerName = tt.profile, tt.scanner
			e := newTestEngine(t, opts)

			res, err := e.Check(t.Context())
			if err != nil {
				t.Fatalf("Check: %v", err)
			}

			gotOK := map[string]bool{}
			for i, r := range res {
				if i < 4 {
					if !r.OK {
						t.Errorf("capability check %s failed: %s", r.Name, r.Message)
					}

					continue
				}
				gotOK[r.Name] = r.OK
				for _, want := range tt.wantMsg[r.Name] {
					if !strings.Contains(r.Message, want) {
						t.Errorf("%s message %q lacks %q", r.Name, r.Message, want)
					}
				}
			}
			if diff := cmp.Diff(tt.wantOK, gotOK); diff != "" {
				t.Errorf("launch check results (-want +got):\n%s", diff)
			}
			for ep, want := range tt.wantCalls {
				if got := fake.callCount(ep); got != want {
					t.Errorf("calls to %s = %d, want %d", ep, got, want)
				}
			}
		})
	}
}

func TestCheck_launch_results_come_last_in_order(t *testing.T) {
	t.Parallel()

	fake := newFakeQualys()
	opts := fake.start(t)
	opts.EnableScanLaunch, opts.ScanOptionProfile = true, "Initial Options"

	res, err := newTestEngine(t, opts).Check(t.Context())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}

	var names []string
	for _, r := range res {
		names = append(names, r.Name)
	}
	want := []string{CheckDetections, CheckKnowledgeBase, CheckScans, CheckAssetSearch,
		CheckOptionProfile, CheckScanner}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("check order (-want +got):\n%s", diff)
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()

	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"initial optons", "initial options", 3, 1},
		{"scanner-eu1", "scanner-eu-1", 3, 1},
		{"abc", "abc", 1, 0},
		{"kitten", "sitting", 3, 3},
		{"kitten", "sitting", 2, 3}, // over the limit: limit+1
		{"a", "a much longer name", 3, 4},
		{"ä€", "a€", 1, 1}, // runes, not bytes
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got,
				tt.want)
		}
	}
}
