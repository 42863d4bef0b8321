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

	var analyst, base string
	sc := bufio.NewScanner(pr)
	for base == "" && sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "demo: analyst token "); ok {
			analyst = v
		}
		if v, ok := strings.CutPrefix(line, "qlens listening on "); ok {
			base = v
		}
	}
	go io.Copy(io.Discard, pr)
	if analyst == "" || base == "" {
		t.Fatalf("serve printed no token or address (token %q, base %q)", analyst, base)
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
