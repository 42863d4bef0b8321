package web_test

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/qualyssim"
	"github.com/qlens/qlens/internal/server"
	"github.com/qlens/qlens/internal/web"
)

const (
	analystToken = "analyst-token-for-browser-tests"
	adminToken   = "admin-token-for-browser-tests"
	simUser      = "sim-user"
	simPassword  = "sim-browser-Pa55"
)

// startStack runs the real product on 127.0.0.1: the Qualys simulator with a fast scan clock,
// and the qlens server with the real lookup engine pointed at it, scan launch on, the embedded
// web page, an analyst token and an admin token. It returns the server's base URL.
func startStack(t *testing.T) string {
	t.Helper()

	sim, err := qualyssim.New(qualyssim.Config{Username: simUser, Password: simPassword,
		Hosts: 50, Seed: 7, ScanSpeed: qualyssim.ScanSpeed{
			Queued: 300 * time.Millisecond, Running: 600 * time.Millisecond,
			Loading: 200 * time.Millisecond,
		}})
	if err != nil {
		t.Fatalf("qualyssim.New: %v", err)
	}
	simTS := httptest.NewServer(sim)
	t.Cleanup(simTS.Close)

	opts := config.Defaults()
	opts.URL = simTS.URL
	opts.Username = simUser
	opts.Password = config.Secret(simPassword)
	opts.EnableScanLaunch = true
	opts.ScanOptionProfile = qualyssim.DemoOptionProfile
	opts.ScannerName = qualyssim.DemoScanner

	srv, err := server.New(server.Config{
		File:       config.File{Options: opts},
		Getenv:     func(string) string { return "" },
		DataDir:    t.TempDir(),
		HTTPClient: simTS.Client(),
		Web:        web.Handler(),
		Tokens: []server.Token{
			{Name: "ana", Role: server.RoleAnalyst, Value: analystToken},
			{Name: "adam", Role: server.RoleAdmin, Value: adminToken},
		},
	})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	return ts.URL
}

type mark struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type card struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

func TestBrowser_analyst(t *testing.T) {
	t.Parallel()
	ctx := web.StartBrowser(t)
	base := startStack(t)
	problems := web.ConsoleProblems(ctx)

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatalf("open page: %v", err)
	}

	t.Run("rejected_token_brings_the_prompt_back", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.ID("token-input")),
			chromedp.SendKeys(chromedp.ID("token-input"), "not-a-token"),
			chromedp.Click(chromedp.ID("token-submit")),
			chromedp.Poll[chromedp.Void](`document.getElementById('token-dialog').open &&
				!document.getElementById('token-message').hidden`),
		)
		if err != nil {
			t.Fatalf("bad token: %v", err)
		}
		if err := web.SignIn(ctx, analystToken); err != nil {
			t.Fatalf("sign in: %v", err)
		}
	})

	t.Run("analyst_sees_no_admin_link", func(t *testing.T) {
		got, err := chromedp.Run(ctx, chromedp.Poll[map[string]any](`(() => {
			const chip = document.getElementById('user-chip');
			return !chip.hidden && {chip: chip.textContent,
				adminHidden: document.getElementById('admin-link').hidden};
		})()`))
		want := map[string]any{"chip": "ana · analyst", "adminHidden": true}
		if diff := cmp.Diff(want, got); err != nil || diff != "" {
			t.Errorf("header (%v) (-want +got):\n%s", err, diff)
		}
	})

	text := "Alert: beacon from " + qualyssim.DemoIP + " to " + qualyssim.DemoDomain +
		"; exploit " + qualyssim.DemoCVE + " matched QID 38623 (Ctrl+Enter tested)."
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("text"), text),
		chromedp.Focus(chromedp.ID("text")),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.Poll[chromedp.Void](`document.getElementById('results').dataset.lookups === '1'`),
	); err != nil {
		t.Fatalf("look up with Ctrl+Enter: %v", err)
	}
	t.Logf("screenshot: %s", web.Screenshot(t, ctx, "analyst-lookup.png"))

	t.Run("highlights_and_cards_by_type", func(t *testing.T) {
		marks, err := chromedp.Run(ctx, chromedp.Evaluate[[]mark](`[...document.querySelectorAll(
			'#highlighted mark')].map(m => ({type: m.dataset.type, text: m.textContent}))`))
		if err != nil {
			t.Fatalf("read marks: %v", err)
		}
		wantMarks := []mark{{"IPv4", qualyssim.DemoIP}, {"domain", qualyssim.DemoDomain},
			{"cve", qualyssim.DemoCVE}, {"qid", "QID 38623"}}
		if diff := cmp.Diff(wantMarks, marks); diff != "" {
			t.Errorf("marks (-want +got):\n%s", diff)
		}

		cards, err := chromedp.Run(ctx, chromedp.Evaluate[[]card](`[...document.querySelectorAll(
			'#cards .card')].map(c => ({type: c.dataset.type, value: c.dataset.value}))`))
		if err != nil {
			t.Fatalf("read cards: %v", err)
		}
		wantCards := []card{{"IPv4", qualyssim.DemoIP}, {"domain", qualyssim.DemoDomain},
			{"cve", qualyssim.DemoCVE}, {"qid", "38623"}}
		if diff := cmp.Diff(wantCards, cards); diff != "" {
			t.Errorf("cards (-want +got):\n%s", diff)
		}
	})

	t.Run("tabs_show_detections_kb_and_scans", func(t *testing.T) {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => {
			const visible = (sel) => { const el = document.querySelector(sel);
				return !!el && !el.closest('[hidden]'); };
			const r = {};
			const rows = [...document.querySelectorAll('#card-0 [data-panel="hosts"] tbody tr')];
			r.hostRows = rows.length > 0;
			r.untitledRows = rows.filter(tr =>
				!tr.querySelector('.col-title > span:not(.flags)')?.textContent).length;
			r.cveKB = visible('#card-2 [data-panel="kb"] .kb');
			document.querySelector('#card-0 [data-tab="scans"]').click();
			r.scansShown = visible('#card-0 [data-panel="scans"]');
			r.hostsHidden = !visible('#card-0 [data-panel="hosts"]');
			r.scansSelected = document.querySelector('#card-0 [data-tab="scans"]')
				.getAttribute('aria-selected');
			document.querySelector('#card-2 [data-tab="hosts"]').click();
			r.cveHosts = document.querySelectorAll('#card-2 [data-panel="hosts"] .host').length > 0;
			r.nvdLink = document.querySelector('#card-2 a.cve-link').href;
			return r;
		})()`))
		if err != nil {
			t.Fatalf("tabs: %v", err)
		}
		want := map[string]any{"hostRows": true, "untitledRows": float64(0), "cveKB": true, "scansShown": true,
			"hostsHidden": true, "scansSelected": "true", "cveHosts": true,
			"nvdLink": "https://nvd.nist.gov/vuln/detail/" + qualyssim.DemoCVE}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("tabs (-want +got):\n%s", diff)
		}
	})

	t.Run("detections_sort_by_header", func(t *testing.T) {
		const table = `#card-0 [data-panel="hosts"] table.detections`
		read := func(attr string) []int {
			got, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[...document.querySelectorAll(
				'`+table+` tbody tr')].map(r => Number(r.dataset.`+attr+`))`))
			if err != nil {
				t.Fatalf("read rows: %v", err)
			}
			return got
		}

		hostsTab := chromedp.CSS(`#card-0 [data-tab="hosts"]`)
		if err := chromedp.Do(ctx, chromedp.Click(hostsTab)); err != nil {
			t.Fatalf("back to the hosts tab: %v", err)
		}
		sev := read("severity")
		if !slices.IsSortedFunc(sev, func(a, b int) int { return b - a }) || len(sev) < 2 {
			t.Errorf("default order is not by severity, worst first: %v", sev)
		}
		qidHeader := chromedp.CSS(table + ` button[data-sort="qid"]`)
		if err := chromedp.Do(ctx, chromedp.Click(qidHeader)); err != nil {
			t.Fatalf("click QID header: %v", err)
		}
		if qids := read("qid"); !slices.IsSorted(qids) {
			t.Errorf("after one click on QID, rows are not ascending: %v", qids)
		}
		if err := chromedp.Do(ctx, chromedp.Click(qidHeader)); err != nil {
			t.Fatalf("click QID header again: %v", err)
		}
		qids := read("qid")
		if !slices.IsSortedFunc(qids, func(a, b int) int { return b - a }) {
			t.Errorf("after two clicks on QID, rows are not descending: %v", qids)
		}
	})

	t.Run("launch_scan_until_finished", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`#card-0 button.launch`)),
			chromedp.WaitVisible(chromedp.ID("scan-dialog")),
			chromedp.Click(chromedp.ID("scan-confirm")),
			chromedp.Poll[chromedp.Void](`['Finished', 'Error', 'Canceled'].includes(
				document.querySelector('#card-0 .scan-status').dataset.state)`,
				chromedp.WithPollingTimeout(60*time.Second)),
		)
		if err != nil {
			t.Fatalf("launch scan: %v", err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`(() => {
			const s = document.querySelector('#card-0 .scan-status');
			return {state: s.dataset.state, ref: s.querySelector('.mono').textContent.split('/')[0]};
		})()`))
		if diff := cmp.Diff(map[string]string{"state": "Finished", "ref": "scan"}, got); err != nil ||
			diff != "" {
			t.Errorf("scan status (%v) (-want +got):\n%s", err, diff)
		}
		// The card's Scans tab lists the new scan, finished, first.
		row, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => {
			document.querySelector('#card-0 [data-tab="scans"]').click();
			const ref = document.querySelector('#card-0 .scan-status .mono').textContent;
			const first = document.querySelector('#card-0 [data-panel="scans"] tbody tr');
			return {first: first.dataset.ref === ref,
				state: first.querySelector('.state').textContent,
				count: document.querySelector('#card-0 [data-tab="scans"] .count').textContent ===
					String(document.querySelectorAll('#card-0 [data-panel="scans"] tbody tr').length)};
		})()`))
		wantRow := map[string]any{"first": true, "state": "Finished", "count": true}
		if diff := cmp.Diff(wantRow, row); err != nil || diff != "" {
			t.Errorf("Scans tab after the launch (%v) (-want +got):\n%s", err, diff)
		}

		// Other IPv4 cards were not touched, and no card but IPv4 ones offers a launch.
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](
			`document.querySelectorAll('.card:not([data-type="IPv4"]) button.launch').length`))
		if err != nil || n != 0 {
			t.Errorf("launch buttons on non-IPv4 cards: %d (%v)", n, err)
		}

		if err := web.ColorScheme(ctx, "dark"); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", web.Screenshot(t, ctx, "analyst-scan-dark.png"))
	})

	t.Run("reload_follows_a_running_scan", func(t *testing.T) {
		const ip = "10.0.0.10"
		lookup := []chromedp.Action[chromedp.Void]{
			chromedp.Poll[chromedp.Void](`(() => {
				if (!document.getElementById('viewer').hidden) {
					document.getElementById('edit-text').click();
				}
				return true;
			})()`),
			chromedp.WaitVisible(chromedp.ID("text")),
			chromedp.SetValue(chromedp.ID("text"), "scan "+ip),
			chromedp.Click(chromedp.ID("lookup")),
			chromedp.Poll[chromedp.Void](`document.querySelector('#card-0')?.dataset.value ===
				'` + ip + `' && document.querySelector('#card-0 button.launch') !== null`),
		}
		err := chromedp.Do(ctx, append(lookup,
			chromedp.Click(chromedp.CSS(`#card-0 button.launch`)),
			chromedp.WaitVisible(chromedp.ID("scan-dialog")),
			chromedp.Click(chromedp.ID("scan-confirm")))...)
		if err != nil {
			t.Fatalf("launch scan of %s: %v", ip, err)
		}
		ref, err := chromedp.Run(ctx, chromedp.Poll[string](
			`document.querySelector('#card-0 .scan-status .mono')?.textContent`))
		if err != nil {
			t.Fatalf("launched scan's ref: %v", err)
		}

		if err := chromedp.Do(ctx, append([]chromedp.Action[chromedp.Void]{
			chromedp.Navigate(base + "/")}, lookup...)...); err != nil {
			t.Fatalf("reload and look up %s again: %v", ip, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Poll[map[string]any](`(() => {
			const s = document.querySelector('#card-0 .scan-status');
			return s.dataset.state === 'Finished' && {ref: s.querySelector('.mono').textContent,
				launchDisabled: document.querySelector('#card-0 button.launch').disabled};
		})()`, chromedp.WithPollingTimeout(60*time.Second)))
		want := map[string]any{"ref": ref, "launchDisabled": false}
		if diff := cmp.Diff(want, got); err != nil || diff != "" {
			t.Errorf("after a reload, the card (%v) (-want +got):\n%s", err, diff)
		}
	})

	t.Run("admin_page_says_admins_only", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/admin"),
			chromedp.WaitVisible(chromedp.ID("denied")),
		)
		if err != nil {
			t.Fatalf("open /admin: %v", err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({
			title: document.querySelector('#denied .empty-title').textContent,
			form: !document.getElementById('admin-content').hidden })`))
		want := map[string]any{"title": "Admins only", "form": false}
		if diff := cmp.Diff(want, got); err != nil || diff != "" {
			t.Errorf("admin page for an analyst (%v) (-want +got):\n%s", err, diff)
		}
	})

	if diff := cmp.Diff([]string(nil), problems()); diff != "" {
		t.Errorf("console problems (-want +got):\n%s", diff)
	}
}

func TestBrowser_admin(t *testing.T) {
	t.Parallel()
	ctx := web.StartBrowser(t)
	base := startStack(t)
	problems := web.ConsoleProblems(ctx)

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin")); err != nil {
		t.Fatalf("open admin page: %v", err)
	}
	if err := web.SignIn(ctx, adminToken); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("admin-content"))); err != nil {
		t.Fatalf("wait for the form: %v", err)
	}

	t.Run("form_shows_the_options", func(t *testing.T) {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`(() => {
			const v = (k) => document.querySelector('[data-key="' + k + '"]');
			return {launch: v('enableScanLaunch').checked, profile: v('scanOptionProfile').value,
				maxPages: v('maxPages').value, kbTTL: v('cacheTtl.knowledgeBase').value,
				password: v('password').value, hint: v('password').placeholder};
		})()`))
		want := map[string]any{"launch": true, "profile": qualyssim.DemoOptionProfile,
			"maxPages": "20", "kbTTL": "24h0m0s", "password": "",
			"hint": "A password is set; leave empty to keep it"}
		if diff := cmp.Diff(want, got); err != nil || diff != "" {
			t.Errorf("form (%v) (-want +got):\n%s", err, diff)
		}
	})

	t.Run("invalid_value_is_answered_next_to_its_field", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS(`[data-key="maxPages"]`), "0"),
			chromedp.Click(chromedp.ID("save")),
			chromedp.WaitVisible(chromedp.CSS(`[data-field="maxPages"] .field-error`)),
		)
		if err != nil {
			t.Fatalf("save an invalid value: %v", err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({
			message: document.querySelector('[data-field="maxPages"] .field-error').textContent,
			invalid: document.querySelector('[data-key="maxPages"]').getAttribute('aria-invalid'),
			others: document.querySelectorAll('.field .field-error:not([hidden])').length })`))
		want := map[string]any{"message": "must be between 1 and 10000, got 0", "invalid": "true",
			"others": float64(1)}
		if diff := cmp.Diff(want, got); err != nil || diff != "" {
			t.Errorf("field error (%v) (-want +got):\n%s", err, diff)
		}
		t.Logf("screenshot: %s", web.Screenshot(t, ctx, "admin-field-error.png"))
	})

	t.Run("valid_change_is_saved_and_audited", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS(`[data-key="maxPages"]`), "25"),
			chromedp.Click(chromedp.ID("save")),
			chromedp.Poll[chromedp.Void](`document.getElementById('save-status').textContent !== '' &&
				document.querySelector('#audit tr[data-action="options.change"]') !== null`),
		)
		if err != nil {
			t.Fatalf("save: %v", err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(
			'#audit tr[data-action="options.change"] td')].map(td => td.textContent).slice(1)`))
		want := []string{"adam", "Options change", "maxPages", "ok", "changed maxPages"}
		if diff := cmp.Diff(want, got); err != nil || diff != "" {
			t.Errorf("audit row (%v) (-want +got):\n%s", err, diff)
		}
	})

	t.Run("test_connection_lists_checks", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Click(chromedp.ID("test")),
			chromedp.WaitVisible(chromedp.CSS(`#checks .check-list li`)),
		)
		if err != nil {
			t.Fatalf("test connection: %v", err)
		}
		failed, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(
			'#checks .check-fail')].map(li => li.textContent)`))
		if err != nil || len(failed) != 0 {
			t.Errorf("failed checks against the simulator (%v): %v", err, failed)
		}
	})

	t.Run("test_of_another_url_asks_for_the_password", func(t *testing.T) {
		saved, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`[data-key="url"]`)))
		if err != nil {
			t.Fatalf("read url: %v", err)
		}
		urlField := chromedp.CSS(`[data-key="url"]`)
		defer func() { _ = chromedp.Do(ctx, chromedp.SetValue(urlField, saved)) }()

		err = chromedp.Do(ctx,
			chromedp.SetValue(urlField, "https://collector.example.test"),
			chromedp.Click(chromedp.ID("test")),
			chromedp.WaitVisible(chromedp.CSS(`[data-field="password"] .field-error`)),
		)
		if err != nil {
			t.Fatalf("test another url: %v", err)
		}
		msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(
			`[data-field="password"] .field-error`)))
		if err != nil || !strings.Contains(msg, "only sent to the URL it was saved for") {
			t.Errorf("password field says %q (%v), want why the password is needed", msg, err)
		}
	})

	t.Run("admin_sees_the_admin_link", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(chromedp.ID("admin-link")),
		)
		if err != nil {
			t.Errorf("admin link on the analyst page: %v", err)
		}
	})

	if diff := cmp.Diff([]string(nil), problems()); diff != "" {
		t.Errorf("console problems (-want +got):\n%s", diff)
	}
}
