package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/extract"
	"github.com/qlens/qlens/internal/lookup"
	"github.com/qlens/qlens/internal/model"
)

// run executes qlens with args and returns stdout, stderr and the exit code.
func run(t *testing.T, stdin string, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(t.Context(), Env{
		Args:   args,
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
	})

	return out.String(), errb.String(), code
}

func TestExtract_json_contract(t *testing.T) {
	t.Parallel()
	out, stderr, code := run(t, "", nil, "extract", "--json",
		"beacon to 10.0.0[.]5 and 10.0.0.5, CVE-2021-44228, QID: 38623")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}

	var got struct {
		Entities []extract.Entity `json:"entities"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if len(got.Entities) != 3 {
		t.Fatalf("entities = %+v, want 3", got.Entities)
	}
	ip := got.Entities[0]
	if ip.Type != extract.IPv4 || ip.Value != "10.0.0.5" || ip.Raw != "10.0.0[.]5" || len(ip.Spans) != 2 {
		t.Errorf("first entity = %+v", ip)
	}
}

func TestExtract_stdin_and_empty(t *testing.T) {
	t.Parallel()
	out, _, code := run(t, "nothing to see here", nil, "extract", "--json", "-")
	if code != ExitOK || !strings.Contains(out, `"entities": []`) {
		t.Errorf("exit %d, out %s; want an empty list, not null", code, out)
	}
}

func TestExit_codes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want int
		msg  string
	}{
		{name: "unknown_flag", args: []string{"extract", "--jsn"}, want: ExitUsage, msg: "--jsn"},
		{name: "unknown_command", args: []string{"enrich"}, want: ExitUsage, msg: "enrich"},
		{name: "bad_custom_regex", env: map[string]string{"QLENS_CUSTOM_QID_REGEX": `(?<=X)\d+`},
			args: []string{"extract", "x"}, want: ExitUsage, msg: "customQidRegex"},
		{name: "lookup_without_options", args: []string{"lookup", "10.0.0.5"}, want: ExitUsage,
			msg: "url: is required"},
		{name: "bad_format", args: []string{"lookup", "--format", "xml", "x"}, want: ExitUsage,
			msg: "--format"},
		{name: "missing_file", args: []string{"extract", "--file", "does-not-exist.txt"},
			want: ExitUsage, msg: "does-not-exist.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, stderr, code := run(t, "", tt.env, tt.args...)
			if code != tt.want || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d stderr %q, want exit %d mentioning %q", code, stderr, tt.want, tt.msg)
			}
		})
	}
}

func TestReadBounded(t *testing.T) {
	t.Parallel()
	b, err := readBounded(strings.NewReader("12345"), 5)
	if err != nil || string(b) != "12345" {
		t.Fatalf("at the limit: %q, %v", b, err)
	}
	_, err = readBounded(strings.NewReader("123456"), 5)
	if !errors.Is(err, errTooLarge) || exitCode(err) != ExitUsage {
		t.Fatalf("past the limit: %v (exit %d), want errTooLarge, exit 2", err, exitCode(err))
	}
	_, err = readBounded(iotest.ErrReader(errors.New("device gone")), 5)
	if err == nil || exitCode(err) != ExitFailed {
		t.Fatalf("failed read: %v (exit %d), want exit 1", err, exitCode(err))
	}
}

func TestLookup_demo_json(t *testing.T) {
	t.Parallel()
	out, stderr, code := run(t, "", nil, "lookup", "--demo", "--json",
		"10.0.0.5 CVE-2021-44228 QID 38623 corp.example.com 127.0.0.1")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}

	var got model.Lookup
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v", err)
	}
	if len(got.Results) != 5 {
		t.Fatalf("results = %d, want 5", len(got.Results))
	}
	for _, r := range got.Results[:4] {
		if len(r.HostDetections) == 0 {
			t.Errorf("%s %s: no hosts in the demo data", r.Entity.Type, r.Entity.Value)
		}
		if len(r.Errors) > 0 {
			t.Errorf("%s: errors %+v", r.Entity.Value, r.Errors)
		}
	}
	if got.Results[4].Entity.Skip != extract.SkipLoopback {
		t.Errorf("loopback entity = %+v", got.Results[4].Entity)
	}
	if got.Stats.APICalls == 0 {
		t.Error("stats count no API calls")
	}
}

func TestLookup_demo_table_and_csv(t *testing.T) {
	t.Parallel()
	out, stderr, code := run(t, "", nil, "lookup", "--demo", "QID 38623")
	if code != ExitOK || !strings.Contains(out, "qid 38623") || !strings.Contains(out, "sev") {
		t.Fatalf("table: exit %d\n%s\n%s", code, out, stderr)
	}

	out, _, code = run(t, "", nil, "lookup", "--demo", "--format", "csv", "QID 38623")
	if code != ExitOK || !strings.HasPrefix(out, "entity_type,entity_value,record") {
		t.Fatalf("csv: exit %d\n%s", code, out)
	}
}

func TestScan_and_check_demo(t *testing.T) {
	t.Parallel()
	out, stderr, code := run(t, "", nil, "scan", "launch", "--demo", "--json", "10.0.0.5")
	if code != ExitOK {
		t.Fatalf("launch: exit %d, stderr %s", code, stderr)
	}
	var launched model.ScanLaunch
	if err := json.Unmarshal([]byte(out), &launched); err != nil || !strings.HasPrefix(launched.Ref, "scan/") {
		t.Fatalf("launch output %s (%v)", out, err)
	}

	_, stderr, code = run(t, "", nil, "scan", "launch", "--demo", "127.0.0.1")
	if code != ExitUsage {
		t.Errorf("launch of loopback: exit %d (%s), want %d", code, stderr, ExitUsage)
	}

	out, stderr, code = run(t, "", nil, "check", "--demo")
	if code != ExitOK || !strings.Contains(out, "ok") {
		t.Errorf("check: exit %d\n%s\n%s", code, out, stderr)
	}
}

func TestSim_prints_one_line_and_stops(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, Env{Args: []string{"sim", "--addr", "127.0.0.1:0"},
			Stdin: strings.NewReader(""), Stdout: pw, Stderr: io.Discard})
		pw.Close()
	}()

	buf := make([]byte, 256)
	n, err := pr.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	line := string(buf[:n])
	if !strings.HasPrefix(line, "qualys simulator listening on http://127.0.0.1:") {
		t.Errorf("first line = %q", line)
	}

	cancel()
	go io.Copy(io.Discard, pr)
	if code := <-done; code != ExitOK {
		t.Errorf("exit %d after cancel, want 0", code)
	}
}

func TestExtract_marks_the_ignore_list(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := dir + "/qlens.yaml"
	if err := os.WriteFile(path, []byte("ignore: [10.9.0.0/16, lab.example.com]\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	out, stderr, code := run(t, "", nil, "--config", path, "extract", "--json",
		"10.9.1.2 10.8.1.2 db.lab.example.com notlab.example.com")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Entities []extract.Entity `json:"entities"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	skips := map[string]string{}
	for _, e := range got.Entities {
		skips[e.Value] = e.Skip
	}
	want := map[string]string{"10.9.1.2": extract.SkipIgnored, "10.8.1.2": "",
		"db.lab.example.com": extract.SkipIgnored, "notlab.example.com": ""}
	if diff := cmp.Diff(want, skips); diff != "" {
		t.Errorf("skips (-want +got):\n%s", diff)
	}
}

func TestCheck_demo_confirms_launch_settings(t *testing.T) {
	t.Parallel()

	out, stderr, code := run(t, "", nil, "check", "--demo", "--json")
	if code != ExitOK {
		t.Fatalf("check: exit %d\n%s\n%s", code, out, stderr)
	}

	var report checkReport
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}

	got := map[string]bool{}
	for _, c := range report.Checks {
		got[c.Name] = c.OK
	}
	if !got[lookup.CheckOptionProfile] || !got[lookup.CheckScanner] {
		t.Errorf("demo check results %+v: want %s and %s, both ok", report.Checks,
			lookup.CheckOptionProfile, lookup.CheckScanner)
	}
}
