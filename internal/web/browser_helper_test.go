package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// browserTimeout bounds one browser test, so a hung page fails instead of stalling CI; it is a
// safety net, not a timing assertion.
const browserTimeout = 90 * time.Second

// StartBrowser starts a headless Chromium for one test and returns a context with one tab.
// Without a chromium binary it skips the test, or fails it when QLENS_REQUIRE_BROWSER=1 (CI).
func StartBrowser(t *testing.T) context.Context {
	t.Helper()

	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("QLENS_REQUIRE_BROWSER") == "1" {
			t.Fatalf("QLENS_REQUIRE_BROWSER=1 but no chromium on PATH: %v", err)
		}
		t.Skip("chromium not installed; apt-get install chromium to run the browser tests")
	}

	dir, err := os.MkdirTemp("", "qlens-chromium-")
	if err != nil {
		t.Fatalf("create user data dir: %v", err)
	}
	t.Cleanup(func() { removeProfile(dir) })

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1440, 900),
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), browserTimeout)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)

	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}

	return ctx
}

// removeProfile deletes a user data dir; Chromium's helpers may still write for a moment after
// the browser exits, so it tries a few times and then leaves the rest to the OS.
func removeProfile(dir string) {
	for range 20 {
		if err := os.RemoveAll(dir); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ConsoleProblems collects what the page reports as broken: uncaught exceptions and errors that
// are not failed network requests (those are expected: a 403 or a 400 the page handles), such
// as a Content-Security-Policy violation. Call the returned func at the end of the test.
func ConsoleProblems(ctx context.Context) func() []string {
	var (
		mu       sync.Mutex
		problems []string
	)
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || (m.Type == chromedp.ConsoleError && m.Source != "network" &&
				!strings.Contains(m.Text, "Failed to load resource")) {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()

	return func() []string {
		mu.Lock()
		defer mu.Unlock()

		return append([]string(nil), problems...)
	}
}

// Screenshot saves a PNG of the viewport and returns its path, for a person to look at: under
// QLENS_SCREENSHOT_DIR when set (kept), else in the test's temp dir.
func Screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()

	dir := os.Getenv("QLENS_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}

	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o600); err != nil {
		t.Fatalf("write screenshot: %v", err)
	}

	return p
}

// ColorScheme makes the page see prefers-color-scheme as scheme ("dark" or "light").
func ColorScheme(ctx context.Context, scheme string) error {
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		return fmt.Errorf("emulate %s color scheme: %w", scheme, err)
	}

	return nil
}

// SignIn types token into the page's sign-in dialog.
func SignIn(ctx context.Context, token string) error {
	return chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("token-input")),
		chromedp.SendKeys(chromedp.ID("token-input"), token),
		chromedp.Click(chromedp.ID("token-submit")),
		chromedp.WaitNotVisible(chromedp.ID("token-dialog")),
	)
}

// LookUp pastes text into the analyst page, presses Look up and waits for the answer.
func LookUp(ctx context.Context, text string) error {
	before, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`document.getElementById('results').dataset.lookups || '0'`))
	if err != nil {
		return err
	}

	return chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("text"), text),
		chromedp.Click(chromedp.ID("lookup")),
		chromedp.Poll[chromedp.Void](`(document.getElementById('results').dataset.lookups || '0') !== `+
			strconv.Quote(before)),
	)
}
