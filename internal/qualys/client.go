package qualys

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Client talks to one Qualys subscription. It is safe for concurrent use.
type Client struct {
	cfg  Config // Password cleared; the credentials live behind cred
	cred *credentials
	hc   *http.Client
	log  *slog.Logger
	gov  *governor
}

// credentials is reached through a pointer so that printing a Client (even with %+v, which
// walks unexported fields) shows an address, never the password.
type credentials struct {
	header   string // "Basic ..." (UTF-8 user:password, base64)
	password string // kept only to scrub it from error snippets
	encoded  string // the base64 part of header, scrubbed too (servers may echo headers)
}

// Format keeps credentials out of any fmt output.
func (*credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// New returns a client for cfg, or an error naming every invalid field (bad or relative
// URL, trailing slash, empty username or password, ...).
func New(cfg Config) (*Client, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("configure qualys client: %w", err)
	}

	cfg = cfg.withDefaults()

	encoded := base64.StdEncoding.EncodeToString([]byte(cfg.Username + ":" + cfg.Password.Reveal()))
	cred := &credentials{password: cfg.Password.Reveal(), encoded: encoded,
		header: "Basic " + encoded}
	cfg.Password = ""

	return &Client{cfg: cfg, cred: cred, hc: httpClient(cfg.HTTPClient), log: cfg.Logger,
		gov: governorFor(cfg.BaseURL, cfg.Username)}, nil
}

// httpClient returns a copy of hc (or a default client) that never follows redirects: a
// 301 means a malformed path, and following it could send the credentials elsewhere.
func httpClient(hc *http.Client) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	} else {
		c.Transport = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 15 * time.Second}).DialContext,
			TLSHandshakeTimeout:   15 * time.Second,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConnsPerHost:   10,
			ExpectContinueTimeout: time.Second,
			ForceAttemptHTTP2:     true,
		}
	}

	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	return &c
}

// Limits returns what the client's governor knows about the subscription's API limits.
func (c *Client) Limits() Limits { return c.gov.snapshot() }

// request is one logical API call, re-sent as attempts.
type request struct {
	endpoint   string     // label for errors, logs and events
	path       string     // absolute path with trailing slash
	form       url.Values // FO: form body (action included)
	xmlBody    []byte     // QPS: XML body
	idempotent bool       // may be re-sent after transport errors and 5xx
	ungoverned bool       // QPS: outside the VM/PC API limits, no governor
}

// do sends req until it succeeds or a final error, streaming each 2xx XML body to handle.
// It returns how many HTTP requests it sent. An error of handle's emit comes back as is;
// any other error is scrubbed of the credentials, which text from the server (a decoder's
// message quotes the body) could have carried into it.
func (c *Client) do(ctx context.Context, req request, handle func(io.Reader) error) (int, error) {
	n, err := c.retry(ctx, req, handle)

	var e *emitError
	if errors.As(err, &e) {
		return n, e.err
	}

	return n, c.scrub(err)
}

// retry is do's loop of attempts and waits.
func (c *Client) retry(ctx context.Context, req request, handle func(io.Reader) error) (int,
	error) {
	var attempts, blocked int

	for {
		attempts++

		err := c.attempt(ctx, req, attempts, handle)
		if err == nil {
			return attempts, nil
		}

		if ctx.Err() != nil {
			return attempts, fmt.Errorf("%s: %w", req.endpoint, ctx.Err())
		}

		again, reason := shouldRetry(req.idempotent, err)
		if !again {
			return attempts, err
		}

		if reason == reasonConcurrency || reason == reasonRate {
			blocked++
			if blocked > c.cfg.MaxBlocked {
				return attempts, c.giveUp(reason, err)
			}
		} else if attempts-blocked >= c.cfg.MaxAttempts {
			return attempts, err
		}

		if err := c.wait(ctx, req.endpoint, reason, attempts, blocked, err); err != nil {
			return attempts, err
		}
	}
}

// wait sleeps before a retry: a 1960 waits for one of our own calls to finish (else a short
// back-off), a 1965 for the server's hint, the rest for a jittered exponential back-off.
func (c *Client) wait(ctx context.Context, endpoint, reason string, attempt, blocked int,
	cause error) error {
	var apiErr *APIError

	hint := time.Duration(0)
	if errors.As(cause, &apiErr) {
		hint = apiErr.wait
	}

	start := time.Now()
	defer func() {
		c.observe(Event{Kind: EventWait, Endpoint: endpoint, Outcome: reason, Attempt: attempt,
			Duration: time.Since(start)})
	}()

	n := attempt - blocked
	if reason == reasonConcurrency || reason == reasonRate {
		n = blocked
	}

	if reason == reasonConcurrency {
		waited, err := c.gov.waitForOwnCall(ctx, c.cfg.MaxWait)
		if waited || err != nil {
			return err
		}
	}

	d := backoff(reason, n, hint, rand.Float64())
	if reason == reasonRate {
		// Every call of this API waits (or, past MaxWait, fails fast) until then.
		c.gov.block(endpoint, d)
	}

	if d > c.cfg.MaxWait {
		if reason == reasonRate {
			return &RateLimitError{ToWait: d - hintSlack, Remaining: c.gov.snapshot().Remaining,
				Err: apiErr}
		}

		d = c.cfg.MaxWait
	}

	c.log.DebugContext(ctx, "qualys retry wait", "endpoint", endpoint, "reason", reason,
		"attempt", attempt, "wait_seconds", d.Seconds())

	if reason == reasonRate {
		// The governor now blocks every caller of this API until d has passed; acquire
		// does the waiting so that all of them share one wait.
		return nil
	}

	return sleep(ctx, d)
}

// giveUp turns the last blocked answer into the error a caller can branch on.
func (c *Client) giveUp(reason string, err error) error {
	var apiErr *APIError
	if reason == reasonRate && errors.As(err, &apiErr) {
		return &RateLimitError{ToWait: apiErr.wait, Remaining: c.gov.snapshot().Remaining,
			Err: apiErr}
	}

	return err
}

// redact scrubs the password from text that came from the server.
func (c *Client) redact(s string) string {
	return redactSecrets(s, c.cred.password, c.cred.encoded)
}

// scrub returns err, or an error with the same chain whose message has the credentials
// replaced, should the message hold them.
func (c *Client) scrub(err error) error {
	if err == nil {
		return nil
	}

	msg := err.Error()
	if clean := c.redact(msg); clean != msg {
		return &scrubbedError{msg: clean, err: err}
	}

	return err
}
