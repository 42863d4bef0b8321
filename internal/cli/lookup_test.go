package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/model"
	"github.com/qlens/qlens/internal/qualyssim"
)

// simEnv serves a simulator on 127.0.0.1 and returns the environment that points qlens at it.
func simEnv(t *testing.T) (*qualyssim.Server, map[string]string) {
	t.Helper()

	sim, err := qualyssim.New(qualyssim.Config{RateLimit: 1_000_000})
	if err != nil {
		t.Fatalf("qualyssim.New: %v", err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)

	return sim, map[string]string{"QLENS_URL": srv.URL,
		"QLENS_USERNAME": qualyssim.DefaultUsername, "QLENS_PASSWORD": qualyssim.DefaultPassword}
}

// TestLookup_partial_failure_exits_1_with_the_data: one source failing is exit 1, and the
// data of every indicator is still printed on stdout, whatever the format.
func TestLookup_partial_failure_exits_1_with_the_data(t *testing.T) {
	t.Parallel()
	sim, env := simEnv(t)
	sim.SetFault(qualyssim.Fault{Kind: qualyssim.FaultAccountExpired,
		Path: "/api/4.0/fo/knowledge_base/vuln/"})

	out, stderr, code := run(t, "", env, "lookup", "--json", "QID 38623 10.0.0.5")
	if code != ExitFailed {
		t.Fatalf("exit %d, want %d; stderr %s", code, ExitFailed, stderr)
	}
	var got model.Lookup
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("stdout is not the JSON contract: %v\n%s", err, out)
	}
	if len(got.Results) != 2 {
		t.Fatalf("results = %d, want 2", len(got.Results))
	}
	qid, ip := got.Results[0], got.Results[1]
	if len(qid.Errors) != 1 || qid.Errors[0].Source != model.SourceKnowledgeBase ||
		len(qid.HostDetections) == 0 {
		t.Errorf("QID: errors %+v, %d hosts; want the KB error and its hosts", qid.Errors,
			len(qid.HostDetections))
	}
	if len(ip.Errors) != 0 || len(ip.HostDetections) != 1 {
		t.Errorf("IP: errors %+v, %d hosts; want its host and no error", ip.Errors,
			len(ip.HostDetections))
	}
	if !strings.Contains(stderr, "1 of 2 indicators have errors") || strings.Contains(out, "qlens:") {
		t.Errorf("stderr %q, stdout holds a log line: %v", stderr, strings.Contains(out, "qlens:"))
	}

	out, _, code = run(t, "", env, "lookup", "--format", "csv", "QID 38623")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != ExitFailed || err != nil {
		t.Fatalf("csv: exit %d, parse %v", code, err)
	}
	kinds := map[string]int{}
	for _, r := range rows[1:] {
		kinds[r[2]]++
	}
	if kinds["error"] != 1 || kinds["detection"] == 0 {
		t.Errorf("csv rows by kind = %v, want one error and the detections", kinds)
	}

	out, _, code = run(t, "", env, "lookup", "QID 38623")
	if code != ExitFailed || !strings.Contains(out, "! knowledgeBase [2001]") ||
		!strings.Contains(out, "Failed: knowledgeBase") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
}

// TestLookup_stdout_holds_only_data: a successful --json run writes the document to stdout
// and nothing to stderr.
func TestLookup_stdout_holds_only_data(t *testing.T) {
	t.Parallel()
	_, env := simEnv(t)

	out, stderr, code := run(t, "", env, "lookup", "--json", "10.0.0.5")
	if code != ExitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	var got model.Lookup
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
	}
	if rest, _ := io.ReadAll(dec.Buffered()); strings.TrimSpace(string(rest)) != "" {
		t.Errorf("stdout holds more than the document: %q", rest)
	}
}

func TestLookup_reads_args_files_and_stdin(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "alert.txt")
	if err := os.WriteFile(path, []byte("ticket: CVE-2021-44228\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	out, stderr, code := run(t, "piped 10.0.0.1\n", nil, "lookup", "--demo", "--json",
		"--file", path, "QID 38623", "-")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got model.Lookup
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	var values []string
	for _, r := range got.Results {
		values = append(values, r.Entity.Value)
	}
	if diff := cmp.Diff([]string{"38623", "CVE-2021-44228", "10.0.0.1"}, values); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
}

func TestLookup_usage_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"json_and_csv", []string{"lookup", "--demo", "--json", "--format", "csv", "x"}, "--json"},
		{"unknown_format", []string{"lookup", "--demo", "--format", "yaml", "x"}, "--format"},
		{"extra_arg_to_check", []string{"check", "--demo", "now"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, stderr, code := run(t, "", nil, tt.args...)
			if code != ExitUsage || !strings.Contains(stderr, tt.msg) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, nothing, %q", code, out, stderr,
					ExitUsage, tt.msg)
			}
		})
	}
}

// TestCheck_names_every_bad_option: check answers every invalid option by its key, on
// stdout, tests nothing, and exits 2.
func TestCheck_names_every_bad_option(t *testing.T) {
	t.Parallel()
	env := map[string]string{"QLENS_URL": "https://qualysapi.example.invalid/",
		"QLENS_ENABLE_SCAN_LAUNCH": "true", "QLENS_CUSTOM_QID_REGEX": `(?<=TICKET-)\d+`}

	out, stderr, code := run(t, "", env, "check")
	if code != ExitUsage || !strings.Contains(stderr, "5 invalid options") {
		t.Fatalf("exit %d, stderr %q; want %d and the count", code, stderr, ExitUsage)
	}
	var keys []string
	for line := range strings.Lines(out) {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "FAIL" {
			keys = append(keys, f[1])
		}
	}
	want := []string{"url", "username", "password", "scanOptionProfile", "customQidRegex"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys named (-want +got):\n%s\n%s", diff, out)
	}

	out, _, code = run(t, "", env, "check", "--json")
	var report struct {
		Options []struct{ Key, Message string } `json:"options"`
		Checks  []any                           `json:"checks"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil || code != ExitUsage {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	if len(report.Options) < len(want) || report.Checks == nil || len(report.Checks) != 0 {
		t.Errorf("report = %+v, want every bad key and an empty checks list", report)
	}
}

func TestCheck_refused_credentials_exit_1(t *testing.T) {
	t.Parallel()
	_, env := simEnv(t)
	env["QLENS_PASSWORD"] = "not-the-password"

	out, stderr, code := run(t, "", env, "check")
	if code != ExitFailed || !strings.Contains(stderr, "4 of 4 checks failed") {
		t.Fatalf("exit %d, stderr %q; want %d", code, stderr, ExitFailed)
	}
	if !strings.Contains(out, "FAIL  detections") || strings.Contains(out, "not-the-password") {
		t.Errorf("output:\n%s", out)
	}
}

// TestProgress: the status line shows on a terminal only once the work takes a moment, and
// is cleared when it ends.
func TestProgress(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		terminal bool
		work     time.Duration
		want     string
	}{
		{"slow_on_a_terminal", true, 2 * time.Second, "\rlooking up…\r\x1b[K"},
		{"quick_on_a_terminal", true, 100 * time.Millisecond, ""},
		{"slow_into_a_pipe", false, 2 * time.Second, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var stderr bytes.Buffer
				g := &globals{env: Env{Stderr: &stderr,
					IsTerminal: func(io.Writer) bool { return tt.terminal }}}

				done := progress(t.Context(), g, "looking up…")
				time.Sleep(tt.work)
				done()

				if got := stderr.String(); got != tt.want {
					t.Errorf("stderr = %q, want %q", got, tt.want)
				}
			})
		})
	}
}
