package qualys

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxErrorBody bounds how much of an error or odd body is read (as go-github does).
const maxErrorBody = 1 << 20

// openBody checks an HTTP response before it is XML-decoded. A 2xx body that starts like
// XML is returned ready to stream; everything else (redirect, error status, HTML page,
// empty or non-XML body) becomes an *APIError built from a bounded read.
func (c *Client) openBody(endpoint string, resp *http.Response) (io.Reader, error) {
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return nil, c.redirectError(endpoint, resp)
	}

	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return nil, c.errorBody(endpoint, resp)
	}

	br := bufio.NewReaderSize(resp.Body, 64<<10)
	head, _ := br.Peek(512)
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")

	switch {
	case len(trimmed) == 0:
		return nil, c.newBodyError(endpoint, resp, br, "empty body instead of XML")
	case trimmed[0] != '<':
		return nil, c.newBodyError(endpoint, resp, br, "body is not XML")
	case looksLikeHTML(trimmed):
		return nil, c.newBodyError(endpoint, resp, br,
			"HTML page instead of XML (maintenance page or wrong URL?)")
	}

	return br, nil
}

// errorBody reads a non-2xx body (bounded) and returns the most precise error it can.
func (c *Client) errorBody(endpoint string, resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))

	if e := parseErrorBody(resp.StatusCode, body); e != nil {
		e.Endpoint = endpoint
		e.Text = c.redact(e.Text)
		e.wait = hintWait(resp.Header, e)

		return e
	}

	text := "empty body"
	if len(bytes.TrimSpace(body)) > 0 {
		text = http.StatusText(resp.StatusCode)
	}

	return &APIError{Status: resp.StatusCode, Endpoint: endpoint, Text: text,
		Snippet: sanitizeSnippet(body, c.cred.password, c.cred.encoded), wait: hintWait(resp.Header, nil)}
}

// newBodyError reports a 2xx body that is not the XML we asked for.
func (c *Client) newBodyError(endpoint string, resp *http.Response, r io.Reader,
	text string) error {
	body, _ := io.ReadAll(io.LimitReader(r, maxErrorBody))

	return &APIError{Status: resp.StatusCode, Endpoint: endpoint, Text: text,
		Snippet: sanitizeSnippet(body, c.cred.password, c.cred.encoded)}
}

// redirectError explains a 3xx: Qualys answers an FO path without its trailing slash with
// an Apache 301 page (qualys-api.md §1). Redirects are never followed: they could carry the
// credentials elsewhere.
func (c *Client) redirectError(endpoint string, resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	loc := resp.Header.Get("Location")

	text, toSlash := "redirect not followed", false
	if u, err := url.Parse(loc); err == nil && loc != "" {
		text += " (to " + u.Redacted() + ")"
		toSlash = u.Path == resp.Request.URL.Path+"/"
	}

	if toSlash || !strings.HasSuffix(resp.Request.URL.Path, "/") {
		text += ": the API path lacks its trailing slash"
	} else {
		text += ": check the platform URL"
	}

	return &APIError{Status: resp.StatusCode, Endpoint: endpoint, Text: c.redact(text),
		Snippet: sanitizeSnippet(body, c.cred.password, c.cred.encoded)}
}

// looksLikeHTML reports whether the first markup of head, after any XML declaration,
// comments and processing instructions, is an HTML DOCTYPE or an HTML element. Only the
// first markup counts: an XML page may carry "<html" in an early RESULTS or DIAGNOSIS CDATA.
func looksLikeHTML(head []byte) bool {
	for {
		head = bytes.TrimLeft(head, " \t\r\n")

		var end []byte

		switch {
		case bytes.HasPrefix(head, []byte("<!--")):
			end = []byte("-->")
		case bytes.HasPrefix(head, []byte("<?")):
			end = []byte("?>")
		case len(head) > 9 && bytes.EqualFold(head[:9], []byte("<!doctype")):
			return bytes.EqualFold(markupName(head[9:]), []byte("html"))
		case bytes.HasPrefix(head, []byte("<")):
			return htmlRoots[string(bytes.ToLower(markupName(head[1:])))]
		default:
			return false
		}

		i := bytes.Index(head, end)
		if i < 0 {
			return false // the peeked head ends inside it; let the XML decoder judge
		}

		head = head[i+len(end):]
	}
}

// htmlRoots are the elements an HTML error page may start with; none is a Qualys root.
var htmlRoots = map[string]bool{"html": true, "head": true, "body": true, "title": true,
	"h1": true, "p": true, "div": true, "pre": true}

// markupName returns the name at the start of b, after leading spaces.
func markupName(b []byte) []byte {
	b = bytes.TrimLeft(b, " \t\r\n")

	end := bytes.IndexAny(b, " \t\r\n>/")
	if end < 0 {
		return b
	}

	return b[:end]
}

// hintWait is how long the server asked us to wait: X-RateLimit-ToWait-Sec, the
// SECONDS_TO_WAIT item of a 1965, or Retry-After (seconds), whichever is largest.
func hintWait(h http.Header, e *APIError) time.Duration {
	var secs int

	for _, v := range []string{h.Get("X-RateLimit-ToWait-Sec"), h.Get("Retry-After")} {
		if n, err := strconv.Atoi(trim(v)); err == nil && n > secs {
			secs = n
		}
	}

	if e != nil {
		if v, ok := e.Item("SECONDS_TO_WAIT"); ok {
			if n, err := strconv.Atoi(v); err == nil && n > secs {
				secs = n
			}
		}
	}

	return time.Duration(secs) * time.Second
}
