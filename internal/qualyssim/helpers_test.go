package qualyssim

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is an injectable clock tests advance by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()

	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.t = c.t.Add(d)
}

// setup starts a simulator on 127.0.0.1 with cfg (Hosts defaults to 200 for speed).
func setup(t testing.TB, cfg Config) (*Server, *httptest.Server, *fakeClock) {
	t.Helper()

	clock := newFakeClock()
	if cfg.Clock == nil {
		cfg.Clock = clock.Now
	}

	if cfg.Hosts == 0 {
		cfg.Hosts = 200
	}

	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)

	return s, ts, clock
}

// call is one request; zero fields mean: GET, demo/demo, X-Requested-With set.
type call struct {
	method, path string
	form         url.Values // POST body (or query for GET)
	user, pass   string
	noXRW        bool
	body         string // raw body (QPS)
}

func do(t testing.TB, ts *httptest.Server, c call) (*http.Response, []byte) {
	t.Helper()

	method := c.method
	if method == "" {
		method = http.MethodGet
	}

	target := ts.URL + c.path

	var body io.Reader

	switch {
	case c.body != "":
		body = strings.NewReader(c.body)
	case method == http.MethodPost:
		body = strings.NewReader(c.form.Encode())
	case len(c.form) > 0:
		target += "?" + c.form.Encode()
	}

	req, err := http.NewRequestWithContext(t.Context(), method, target, body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}

	if method == http.MethodPost && c.body == "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}

	user, pass := c.user, c.pass
	if user == "" && pass == "" {
		user, pass = DefaultUsername, DefaultPassword
	}

	if user != "-" {
		req.SetBasicAuth(user, pass)
	}

	if !c.noXRW {
		req.Header.Set("X-Requested-With", "qlens-test")
	}

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}

	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, c.path, err)
	}
	defer resp.Body.Close()

	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of %s: %v", c.path, err)
	}

	return resp, b
}

// mustWellFormed decodes every token of body and fails on any XML error.
func mustWellFormed(t testing.TB, body []byte) {
	t.Helper()

	dec := xml.NewDecoder(bytes.NewReader(body))

	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return
		}

		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, head(body))
		}
	}
}

func head(b []byte) string { return string(b[:min(len(b), 2000)]) }

// elementPaths returns the sorted distinct element paths (ROOT/A/B) of an XML document.
func elementPaths(t testing.TB, body []byte) []string {
	t.Helper()

	dec := xml.NewDecoder(bytes.NewReader(body))
	seen := map[string]bool{}

	var stack []string

	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}

		if err != nil {
			t.Fatalf("decode: %v", err)
		}

		switch el := tok.(type) {
		case xml.StartElement:
			stack = append(stack, el.Name.Local)
			seen[strings.Join(stack, "/")] = true
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}

	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}

	slices.Sort(out)

	return out
}

// simpleReturn is the decoded SIMPLE_RETURN.
type simpleReturn struct {
	Response struct {
		Code  string `xml:"CODE"`
		Text  string `xml:"TEXT"`
		Items []struct {
			Key   string `xml:"KEY"`
			Value string `xml:"VALUE"`
		} `xml:"ITEM_LIST>ITEM"`
	} `xml:"RESPONSE"`
}

func decodeSimpleReturn(t testing.TB, body []byte) simpleReturn {
	t.Helper()

	var sr simpleReturn
	if err := xml.Unmarshal(body, &sr); err != nil {
		t.Fatalf("decode SIMPLE_RETURN: %v\n%s", err, head(body))
	}

	return sr
}

func (sr simpleReturn) item(key string) string {
	for _, it := range sr.Response.Items {
		if it.Key == key {
			return it.Value
		}
	}

	return ""
}

// hldDoc is the decoded part of an HLD response the tests check.
type hldDoc struct {
	Hosts []struct {
		ID         int64  `xml:"ID"`
		AssetID    int64  `xml:"ASSET_ID"`
		IP         string `xml:"IP"`
		IPv6       string `xml:"IPV6"`
		DNS        string `xml:"DNS"`
		Detections []struct {
			QID      int    `xml:"QID"`
			Type     string `xml:"TYPE"`
			Severity int    `xml:"SEVERITY"`
			Port     int    `xml:"PORT"`
			Status   string `xml:"STATUS"`
			Results  string `xml:"RESULTS"`
			QDS      *struct {
				Severity string `xml:"severity,attr"`
				Value    int    `xml:",chardata"`
			} `xml:"QDS"`
			Factors []string `xml:"QDS_FACTORS>QDS_FACTOR"`
		} `xml:"DETECTION_LIST>DETECTION"`
	} `xml:"RESPONSE>HOST_LIST>HOST"`
	IDs     []int64 `xml:"RESPONSE>ID_SET>ID"`
	Warning *struct {
		Code string `xml:"CODE"`
		Text string `xml:"TEXT"`
		URL  string `xml:"URL"`
	} `xml:"RESPONSE>WARNING"`
}

func decodeHLD(t testing.TB, body []byte) hldDoc {
	t.Helper()

	var d hldDoc
	if err := xml.Unmarshal(body, &d); err != nil {
		t.Fatalf("decode: %v\n%s", err, head(body))
	}

	return d
}

func (d hldDoc) hostIPs() []string {
	var out []string
	for _, h := range d.Hosts {
		out = append(out, h.IP+h.IPv6)
	}

	return out
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
