package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qlens/qlens/internal/model"
)

// TestServe_demo starts `qlens serve --demo`, reads the printed address and tokens, and makes
// a lookup through the API as the demo analyst.
func TestServe_demo(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()

	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, Env{Args: []string{"serve", "--demo", "--addr", "127.0.0.1:0"},
			Stdin: strings.NewReader(""), Stdout: pw, Stderr: io.Discard})
		pw.Close()
	}()

	var analyst, admin, base, page string
	sc := bufio.NewScanner(pr)
	for page == "" && sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "demo: analyst token "); ok {
			analyst = v
		}
		if v, ok := strings.CutPrefix(line, "demo: admin token "); ok {
			admin = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "qlens listening on "); ok {
			base = v
		}
		if v, ok := strings.CutPrefix(line, "demo: open "); ok {
			page, _, _ = strings.Cut(v, " ")
		}
	}
	go io.Copy(io.Discard, pr)
	if analyst == "" || admin == "" || base == "" || page != base+"/" {
		t.Fatalf("serve printed token %q, admin token %q, base %q, page %q", analyst, admin,
			base, page)
	}

	// The printed page is the web page; the admin token, and only it, reads the options.
	for _, c := range []struct {
		path, token string
		want        int
	}{
		{"/", "", http.StatusOK},
		{"/api/v1/options", analyst, http.StatusForbidden},
		{"/api/v1/options", admin, http.StatusOK},
	} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET %s: status %d, want %d", c.path, resp.StatusCode, c.want)
		}
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/lookup",
		strings.NewReader(`{"text":"10.0.0.5 QID 38623"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+analyst)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()

	var got model.Lookup
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("lookup: status %d, decode %v", resp.StatusCode, err)
	}
	if len(got.Results) != 2 || len(got.Results[0].HostDetections) == 0 {
		t.Errorf("lookup results = %+v", got.Results)
	}

	cancel()
	if code := <-done; code != ExitOK {
		t.Errorf("exit %d after shutdown, want 0", code)
	}
}
