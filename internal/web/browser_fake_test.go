package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
)

// fakeAPI answers the few API calls the analyst page makes with canned data that the real stack
// cannot easily produce at will: multi-byte text around indicators, hostile KB HTML, a skipped
// address, a truncated list, a source error and a refused scan launch.
func fakeAPI(t *testing.T) http.Handler {
	t.Helper()

	mux := http.NewServeMux()
	mux.Handle("/", Handler())
	authed := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer fake-analyst" {
				writeFake(w, http.StatusUnauthorized, map[string]string{"error": "bad token"})
				return
			}
			h(w, r)
		}
	}
	mux.HandleFunc("GET /api/v1/me", authed(func(w http.ResponseWriter, _ *http.Request) {
		writeFake(w, http.StatusOK, map[string]string{"name": "ana", "role": "analyst"})
	}))
	mux.HandleFunc("POST /api/v1/lookup", authed(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Text string }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeFake(w, http.StatusBadRequest, map[string]string{"error": "bad json"})
			return
		}
		writeFake(w, http.StatusOK, fakeLookup(req.Text))
	}))
	mux.HandleFunc("POST /api/v1/scans", authed(func(w http.ResponseWriter, _ *http.Request) {
		writeFake(w, http.StatusForbidden, map[string]string{
			"error": "scan launch is disabled: an admin must turn on enableScanLaunch"})
	}))

	return mux
}

func writeFake(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// spans finds every byte offset of needle in text, as the extractor reports them.
func spans(text, needle string) [][2]int {
	var out [][2]int
	for off := 0; ; {
		i := strings.Index(text[off:], needle)
		if i < 0 {
			return out
		}
		out = append(out, [2]int{off + i, off + i + len(needle)})
		off += i + len(needle)
	}
}

func fakeLookup(text string) map[string]any {
	entity := func(typ, value, raw, skip string) map[string]any {
		e := map[string]any{"type": typ, "value": value, "raw": raw, "spans": spans(text, raw)}
		if skip != "" {
			e["skip"] = skip
		}
		return e
	}
	result := func(e map[string]any) map[string]any {
		return map[string]any{"entity": e, "summary": []string{}, "hostDetections": []any{},
			"knowledgeBaseRecords": []any{}, "scans": []any{}, "errors": []any{}}
	}

	var results []map[string]any
	if strings.Contains(text, "10.0.0.5") {
		r := result(entity("IPv4", "10.0.0.5", "10.0.0.5", ""))
		r["summary"] = []string{"Host Detections: 1"}
		r["hostDetections"] = []any{map[string]any{"id": 7, "ip": "10.0.0.5", "dns": "web01",
			"detections": []any{
				map[string]any{"qid": 38623, "severity": 3, "status": "Active", "port": 443},
				map[string]any{"qid": 90001, "severity": 5, "status": "New", "port": 22},
			}}}
		results = append(results, r)
	}
	if strings.Contains(text, "127.0.0.1") {
		results = append(results, result(entity("IPv4", "127.0.0.1", "127.0.0.1", "loopback")))
	}
	if strings.Contains(text, "CVE-2021-44228") {
		r := result(entity("cve", "CVE-2021-44228", "CVE-2021-44228", ""))
		r["knowledgeBaseRecords"] = []any{map[string]any{"qid": 730297, "title": "Log4Shell",
			"severity": 5, "cves": []string{"CVE-2021-44228"}, "threatIntel": []string{},
			"diagnosis": `<p>Kept <b>bold</b> <a href="https://example.org/advisory">advisory</a>` +
				`<a href="javascript:alert(1)">js</a></p><script>window.pwned=1</script>` +
				`<img src="x" onerror="window.pwned=2"><div onclick="x()">wrapped</div>`,
			"consequence": "", "solution": "<ul><li>Patch</li></ul>"}}
		results = append(results, r)
	}
	if strings.Contains(text, "QID 38623") {
		r := result(entity("qid", "38623", "QID 38623", ""))
		r["truncated"] = map[string]bool{"hostDetections": true}
		r["hostDetections"] = []any{
			map[string]any{"id": 1, "ip": "10.0.0.1", "detections": []any{}},
			map[string]any{"id": 2, "ip": "10.0.0.2", "detections": []any{}},
		}
		r["errors"] = []any{map[string]any{"source": "knowledgeBase", "code": "1965",
			"message": "rate limit exceeded"}}
		results = append(results, r)
	}
	if strings.Contains(text, hostileIP) {
		// Every field the page shows, carrying markup: it must come out as text.
		r := result(entity("IPv4", hostileIP, hostileIP, ""))
		r["summary"] = []string{hostile("tag")}
		r["hostDetections"] = []any{map[string]any{"id": 66, "ip": hostileIP,
			"dns": hostile("dns"), "os": hostile("os"), "detections": []any{map[string]any{
				"qid": 1, "severity": 4, "status": hostile("status"), "results": hostile("res"),
				"title": hostile("title")}}}}
		r["scans"] = []any{map[string]any{"ref": "scan/1.1", "title": hostile("scan"),
			"state": hostile("state"), "user": hostile("user")}}
		r["errors"] = []any{map[string]any{"source": hostile("source"), "code": hostile("code"),
			"message": hostile("message")}}
		results = append(results, r)
	}
	if results == nil {
		results = []map[string]any{}
	}

	return map[string]any{"results": results,
		"stats": map[string]int{"apiCalls": 3, "cacheHits": 1, "elapsedMs": 42}}
}

// hostileIP is the address whose fake result carries markup in every field.
const hostileIP = "10.6.6.6"

// hostile is a field value that runs script if the page ever parses it as HTML.
func hostile(field string) string {
	return field + `<img src="x" onerror="window.pwned='` + field + `'">`
}

type mark struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

func TestBrowser_fakeAPI(t *testing.T) {
	t.Parallel()
	ctx := StartBrowser(t)
	problems := ConsoleProblems(ctx)
	srv := httptest.NewServer(fakeAPI(t))
	t.Cleanup(srv.Close)

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("open page: %v", err)
	}
	if err := SignIn(ctx, "fake-analyst"); err != nil {
		t.Fatalf("sign in: %v", err)
	}

	// Multi-byte text before and between indicators: spans are UTF-8 byte offsets.
	text := "Café ☕ alert on 10.0.0.5 😀 from 127.0.0.1 — naïve CVE-2021-44228 / QID 38623 " +
		"and 10.0.0.5 again"
	if err := LookUp(ctx, text); err != nil {
		t.Fatalf("look up: %v", err)
	}
	t.Logf("screenshot: %s", Screenshot(t, ctx, "fake-lookup.png"))

	t.Run("highlights_follow_byte_spans", func(t *testing.T) {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]mark](`[...document.querySelectorAll(
			'#highlighted mark')].map(m => ({type: m.dataset.type, text: m.textContent}))`))
		if err != nil {
			t.Fatalf("read marks: %v", err)
		}
		want := []mark{{"IPv4", "10.0.0.5"}, {"IPv4", "127.0.0.1"}, {"cve", "CVE-2021-44228"},
			{"qid", "QID 38623"}, {"IPv4", "10.0.0.5"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("marks (-want +got):\n%s", diff)
		}
		whole, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID("highlighted")))
		if err != nil || whole != text {
			t.Errorf("highlighted text = %q (%v), want the text as pasted", whole, err)
		}
	})

	t.Run("kb_html_is_rechecked", func(t *testing.T) {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => {
			const kb = document.querySelector('#card-2 .kb-html');
			return {
				pwned: window.pwned || 0,
				bad: kb.querySelectorAll('script, img, div, [onerror], [onclick]').length,
				bold: kb.querySelector('b') ? kb.querySelector('b').textContent : '',
				links: [...kb.querySelectorAll('a')].map(a => a.href + ' ' + a.rel + ' ' + a.target),
				text: kb.textContent,
			};
		})()`))
		if err != nil {
			t.Fatalf("read KB: %v", err)
		}
		want := map[string]any{"pwned": float64(0), "bad": float64(0), "bold": "bold",
			"links": []any{"https://example.org/advisory noopener noreferrer nofollow _blank"},
			"text":  "Kept bold advisoryjswrapped"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("KB diagnosis (-want +got):\n%s", diff)
		}
	})

	t.Run("skip_truncation_and_errors_on_their_card", func(t *testing.T) {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`(() => {
			const text = (sel) => (document.querySelector(sel) || {}).textContent || '';
			return {
				skip: text('#card-1 .notice-skip'),
				skipLaunch: String(document.querySelector('#card-1 button.launch') !== null),
				cutCount: text('#card-3 [data-tab="hosts"] .count'),
				cutNote: text('#card-3 .notice-cut b'),
				error: text('#card-3 .alert'),
				stats: text('#stats'),
			};
		})()`))
		if err != nil {
			t.Fatalf("read cards: %v", err)
		}
		want := map[string]string{
			"skip":       "Not looked up: a loopback address.",
			"skipLaunch": "false",
			"cutCount":   "≥2",
			"cutNote":    "At least 2 hosts. ",
			"error":      "KnowledgeBase: rate limit exceeded (Qualys code 1965)",
			"stats":      "4 indicators3 Qualys API calls1 cache hit0.04 s elapsed",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("cards (-want +got):\n%s", diff)
		}
	})

	t.Run("refused_launch_disables_the_button", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`#card-0 button.launch`)),
			chromedp.WaitVisible(chromedp.ID("scan-dialog")),
			chromedp.Click(chromedp.ID("scan-confirm")),
			chromedp.Poll[chromedp.Void](`document.querySelector('#card-0 button.launch').disabled &&
				document.querySelector('#card-0 .scan-status').textContent.includes('disabled')`),
		)
		if err != nil {
			t.Fatalf("launch: %v", err)
		}
		msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#card-0 .scan-status`)))
		if want := "scan launch is disabled: an admin must turn on enableScanLaunch"; msg != want {
			t.Errorf("status = %q (%v), want %q", msg, err, want)
		}
	})

	t.Run("narrow_window_does_not_scroll_sideways", func(t *testing.T) {
		// The width of the Polarity overlay beside a console: tables scroll in their own box.
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(420, 900)); err != nil {
			t.Fatalf("narrow viewport: %v", err)
		}
		defer func() { _ = chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)) }()

		got, err := chromedp.Run(ctx, chromedp.Poll[map[string]any](`(() => {
			const doc = document.documentElement;
			const tabs = document.querySelector('#card-0 .tablist');
			const last = tabs.lastElementChild.getBoundingClientRect();
			return doc.clientWidth <= 420 && {
				sideways: doc.scrollWidth > doc.clientWidth,
				lastTabVisible: last.right <= tabs.getBoundingClientRect().right + 1,
			};
		})()`))
		want := map[string]any{"sideways": false, "lastTabVisible": true}
		if diff := cmp.Diff(want, got); err != nil || diff != "" {
			t.Errorf("narrow layout (%v) (-want +got):\n%s", err, diff)
		}
	})

	t.Run("hostile_fields_render_as_text", func(t *testing.T) {
		if err := LookUp(ctx, "beacon to "+hostileIP); err != nil {
			t.Fatalf("look up: %v", err)
		}
		// Draw every tab, so that each field reaches the page.
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#card-0 [data-tab="scans"]`)),
			chromedp.Click(chromedp.CSS(`#card-0 [data-tab="hosts"]`)),
			chromedp.Click(chromedp.CSS(`#card-0 details.results summary`))); err != nil {
			t.Fatalf("open tabs: %v", err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => {
			const card = document.getElementById('card-0');
			return {
				pwned: window.pwned || '',
				images: card.querySelectorAll('img').length,
				shown: ['tag', 'dns', 'os', 'status', 'res', 'title', 'scan', 'state', 'user',
					'source', 'code', 'message'].filter(f => card.textContent.includes(
					f + '<img src="x"')),
			};
		})()`))
		if err != nil {
			t.Fatalf("read card: %v", err)
		}
		want := map[string]any{"pwned": "", "images": float64(0), "shown": []any{"tag", "dns",
			"os", "status", "res", "title", "scan", "state", "user", "source", "code", "message"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("hostile fields (-want +got):\n%s", diff)
		}
	})

	t.Run("no_indicators", func(t *testing.T) {
		if err := LookUp(ctx, "nothing to see here"); err != nil {
			t.Fatalf("look up: %v", err)
		}
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#empty .empty-title`)))
		if err != nil || got != "No indicators found" {
			t.Errorf("empty state = %q (%v), want %q", got, err, "No indicators found")
		}
	})

	// The hostile diagnosis carries two handler attributes; parsing it makes the browser report
	// that CSP blocked them (nothing ran: see pwned above). Anything else is a real problem.
	var unexpected []string
	blocked := 0
	for _, p := range problems() {
		if strings.Contains(p, "inline event handler violates") {
			blocked++
			continue
		}
		unexpected = append(unexpected, p)
	}
	if diff := cmp.Diff([]string(nil), unexpected); diff != "" {
		t.Errorf("console problems (-want +got):\n%s", diff)
	}
	if blocked > 2 {
		t.Errorf("CSP blocked %d inline handlers, want at most the fixture's 2", blocked)
	}
}
