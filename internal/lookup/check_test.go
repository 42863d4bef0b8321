package lookup

import (
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
