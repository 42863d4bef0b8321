package qualys

import "testing"

func TestNextIDMin(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		w       warning
		want    int64
		wantErr bool
	}{
		{"padded_cdata_other_host_extra_params", warning{Code: "1980", URL: "\n   https://qualysapi." +
			"p01.example.test/api/4.0/fo/asset/host/?action=list&details=None&cloud_agent_" +
			"activationkey=0&id_min=145359\n  "}, 145359, false},
		{"code_is_optional", warning{URL: "https://q.example.test/api/5.0/fo/asset/host/?id_min=7"}, 7, false},
		{"no_url", warning{Code: "1980", Text: "limit exceeded"}, 0, true},
		{"no_id_min", warning{URL: "https://q.example.test/api/5.0/fo/asset/host/?id_max=9"}, 0, true},
		{"zero_id_min", warning{URL: "https://q.example.test/?id_min=0"}, 0, true},
		{"garbage_url", warning{URL: "%%%"}, 0, true},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got, err := nextIDMin(&tt.w)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("nextIDMin = %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
