package qualys

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// attempt sends req once through the governor and streams a good body to handle.
func (c *Client) attempt(ctx context.Context, req request, n int,
	handle func(io.Reader) error) error {
	if !req.ungoverned {
		release, err := c.gov.acquire(ctx, req.endpoint, c.cfg.MaxWait, func(reason string,
			d time.Duration) {
			c.observe(Event{Kind: EventWait, Endpoint: req.endpoint, Outcome: reason,
				Attempt: n, Duration: d})
		})
		if err != nil {
			return fmt.Errorf("%s: wait for the subscription's API limits: %w", req.endpoint, err)
		}
		defer release()
	}

	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()

	httpReq, err := c.newHTTPRequest(actx, req)
	if err != nil {
		return err
	}

	start := time.Now()
	status, err := c.send(httpReq, req.endpoint, handle)

	c.report(ctx, req, n, status, time.Since(start), err)

	return err
}

// send performs one HTTP exchange and returns the status (0 when none came back).
func (c *Client) send(httpReq *http.Request, endpoint string, handle func(io.Reader) error) (
	int, error) {
	resp, err := c.hc.Do(httpReq)
	if err != nil {
		return 0, &transportError{fmt.Errorf("send %s request: %w", endpoint, err)}
	}
	defer discard(resp.Body)

	if !strings.HasPrefix(httpReq.URL.Path, "/qps/") {
		c.gov.learn(endpoint, resp.Header)
	}

	body, err := c.openBody(endpoint, resp)
	if err != nil {
		return resp.StatusCode, err
	}

	err = handle(transportReader{body})

	var apiErr *APIError
	if errors.As(err, &apiErr) {
		apiErr.Endpoint = endpoint
		apiErr.Text = c.redact(apiErr.Text)
		apiErr.wait = max(apiErr.wait, hintWait(resp.Header, apiErr))
	}

	return resp.StatusCode, err
}

func (c *Client) report(ctx context.Context, req request, n, status int, d time.Duration,
	err error) {
	var apiErr *APIError
	errors.As(err, &apiErr)

	ev := Event{Kind: EventRequest, Endpoint: req.endpoint, Status: status, Attempt: n,
		Duration: d, Outcome: outcomeOf(status, err, apiErr)}
	if apiErr != nil {
		ev.Code = apiErr.Code
	}

	if ctx.Err() != nil {
		ev.Outcome = "canceled"
	}

	c.observe(ev)

	level := slog.LevelDebug
	if err != nil && !isEmitError(err) {
		level = slog.LevelInfo
	}

	c.log.Log(ctx, level, "qualys request", "endpoint", req.endpoint, "attempt", n,
		"status", status, "code", ev.Code, "outcome", ev.Outcome, "duration_ms", d.Milliseconds())
}

// newHTTPRequest builds one attempt; the body is rebuilt for every attempt.
func (c *Client) newHTTPRequest(ctx context.Context, req request) (*http.Request, error) {
	body, ctype := []byte(req.form.Encode()), "application/x-www-form-urlencoded"
	if req.xmlBody != nil {
		body, ctype = req.xmlBody, "text/xml"
	}

	r, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+req.path,
		bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build %s request: %w", req.endpoint, err)
	}

	r.Header.Set("Content-Type", ctype)
	r.Header.Set("Authorization", c.cred.header)
	r.Header.Set("X-Requested-With", c.cfg.RequestedWith)
	r.Header.Set("User-Agent", c.cfg.UserAgent)
	r.Header.Set("Accept", "application/xml, text/xml")

	return r, nil
}

// transportReader marks read errors of a response body as transport errors.
type transportReader struct{ r io.Reader }

func (t transportReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = &transportError{fmt.Errorf("read body: %w", err)}
	}

	return n, err
}
