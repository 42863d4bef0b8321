package web

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
)

// allowedURLs are the only absolute URLs an embedded file may hold: the NVD link base (a link
// the analyst opens, never fetched by the page) and the SVG namespace (an identifier, not fetched).
var allowedURLs = []string{
	"https://nvd.nist.gov/vuln/detail/",
	"http://www.w3.org/2000/svg",
}

var absoluteURL = regexp.MustCompile(`(?i)(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"'<>)]*`)

func readEmbedded(t *testing.T, name string) string {
	t.Helper()

	b, err := fs.ReadFile(staticFS, "static/"+name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}

	return string(b)
}

func TestAssets_noExternalURLs(t *testing.T) {
	t.Parallel()

	for _, name := range embeddedFiles(t) {
		body := readEmbedded(t, name)
		for _, u := range absoluteURL.FindAllString(body, -1) {
			if !slices.ContainsFunc(allowedURLs, func(a string) bool { return strings.HasPrefix(u, a) }) {
				t.Errorf("%s holds the external URL %q; the page may load only its own files", name, u)
			}
		}
		// A bare scheme is enough for a fetch or a link to leave the origin.
		for _, scheme := range []string{"http://", "https://"} {
			rest := body
			for {
				i := strings.Index(rest, scheme)
				if i < 0 {
					break
				}
				if !slices.ContainsFunc(allowedURLs, func(a string) bool {
					return strings.HasPrefix(rest[i:], a)
				}) {
					t.Errorf("%s holds %q at %q", name, scheme, excerpt(rest, i))
				}
				rest = rest[i+len(scheme):]
			}
		}
	}
}

func excerpt(s string, i int) string {
	end := min(len(s), i+40)
	return s[i:end]
}

// htmlIssues lists what CSP would block or what breaks the no-external-asset rule in one page.
func htmlIssues(t *testing.T, name string) []string {
	t.Helper()

	doc, err := html.Parse(strings.NewReader(readEmbedded(t, name)))
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}

	var issues []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		for _, a := range n.Attr {
			switch {
			case strings.HasPrefix(a.Key, "on"):
				issues = append(issues, "<"+n.Data+"> has the handler attribute "+a.Key)
			case a.Key == "style":
				issues = append(issues, "<"+n.Data+"> has a style attribute")
			case (a.Key == "href" || a.Key == "src") &&
				strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:"):
				issues = append(issues, "<"+n.Data+"> has a javascript: URL")
			}
		}
		switch n.Data {
		case "script":
			if src := attr(n, "src"); src == "" || n.FirstChild != nil {
				issues = append(issues, "<script> with an inline body")
			}
		case "style":
			issues = append(issues, "an inline <style> element")
		}
	}

	return issues
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}

	return ""
}

func TestAssets_pagesFollowTheCSP(t *testing.T) {
	t.Parallel()

	for _, page := range []string{"index.html", "admin.html"} {
		t.Run(page, func(t *testing.T) {
			t.Parallel()

			if diff := cmp.Diff([]string(nil), htmlIssues(t, page)); diff != "" {
				t.Errorf("%s breaks the CSP (-want +got):\n%s", page, diff)
			}
		})
	}
}

// unsafeJS are DOM sinks that parse HTML or code from strings; the page builds nodes instead.
var unsafeJS = regexp.MustCompile(`\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|` +
	`\beval\(|new Function|setAttribute\(\s*['"](style|on)|createContextualFragment`)

func TestAssets_scriptsUseNoHTMLSinks(t *testing.T) {
	t.Parallel()

	for _, name := range embeddedFiles(t) {
		if path.Ext(name) != ".js" {
			continue
		}
		body := readEmbedded(t, name)
		for _, m := range unsafeJS.FindAllString(body, -1) {
			t.Errorf("%s uses %q; build nodes with createElement and textContent", name, m)
		}
	}
}

var (
	assetRef  = regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`)
	jsImport  = regexp.MustCompile(`(?m)^import .* from '\./([^']+)';$`)
	pageLinks = []string{"index.html", "admin.html"}
)

func TestAssets_referencesResolve(t *testing.T) {
	t.Parallel()

	files := embeddedFiles(t)
	var missing []string
	for _, page := range pageLinks {
		for _, m := range assetRef.FindAllStringSubmatch(readEmbedded(t, page), -1) {
			if !slices.Contains(files, strings.TrimPrefix(m[1], "/")) {
				missing = append(missing, page+" -> "+m[1])
			}
		}
	}
	imports := 0
	for _, name := range files {
		if path.Ext(name) != ".js" {
			continue
		}
		for _, m := range jsImport.FindAllStringSubmatch(readEmbedded(t, name), -1) {
			imports++
			if !slices.Contains(files, "assets/"+m[1]) {
				missing = append(missing, name+" -> "+m[1])
			}
		}
	}

	if diff := cmp.Diff([]string(nil), missing); diff != "" {
		t.Errorf("references to files that are not embedded (-want +got):\n%s", diff)
	}
	if imports == 0 {
		t.Error("found no JavaScript imports; the import pattern no longer matches the files")
	}
}
