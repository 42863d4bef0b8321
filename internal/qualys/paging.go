package qualys

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/url"
	"strconv"
	"time"
)

// pageInfo is what one page told the pager.
type pageInfo struct {
	warning *warning // RESPONSE/WARNING, nil on the last page
	lastID  int64    // largest host ID on the page; 0 when the page held none
	ordered bool     // every emitted ID was larger than the one before
}

// fetchPage fetches one page with form, whose id_min is minID (0: none), and reports what
// it saw and how many HTTP requests it sent.
type fetchPage func(ctx context.Context, form url.Values, minID int64) (pageInfo, int, error)

// pageDecoder decodes one page of a paged list, handing each item to emit. Items whose ID
// is below minID were asked not to come (a resumed page) and are not emitted.
type pageDecoder[T any] func(ctx context.Context, r io.Reader, minID int64,
	emit func(T) error) (pageInfo, error)

// pullList pulls every page of the idempotent list call at path, decoding each page with
// decode. resumable says that items come in ascending ID order, as Host List and Host List
// VM Detection document (qualys-api.md §3, §9), so a page cut short can be asked again from
// just past its last item.
func pullList[T any](ctx context.Context, c *Client, endpoint, path string, form url.Values,
	resumable bool, decode pageDecoder[T], emit func(T) error) (Page, error) {
	return c.pull(ctx, endpoint, form, resumable,
		func(ctx context.Context, form url.Values, minID int64) (pageInfo, int, error) {
			var info pageInfo

			sent, err := c.do(ctx, request{endpoint: endpoint, path: path, form: form,
				idempotent: true}, func(r io.Reader) error {
				var err error
				info, err = decode(ctx, r, minID, emit)

				return err
			})

			return info, sent, err
		})
}

// pull fetches pages until Qualys stops sending WARNING/URL, following id_min. The URL is
// never requested itself (it may point at another host or carry parameters we did not
// send): only its id_min is read, and our own request is re-issued with it. The next id_min
// must be larger than the previous one and than every ID already seen, or the pull stops
// with an error instead of looping. At Config.MaxPages the pull stops with Page.Truncated.
func (c *Client) pull(ctx context.Context, endpoint string, base url.Values, resumable bool,
	fetch fetchPage) (Page, error) {
	var (
		page  Page
		idMin int64
		maxID int64
	)

	for n := 1; ; n++ {
		info, err := c.pullPage(ctx, endpoint, base, idMin, resumable, fetch, &page)
		maxID = max(maxID, info.lastID)

		if err != nil {
			return page, fmt.Errorf("%s page %d: %w", endpoint, n, err)
		}

		if info.warning == nil {
			return page, nil
		}

		next, err := nextIDMin(info.warning)
		if err != nil {
			// A WARNING we cannot follow still means Qualys holds more than it sent.
			c.log.WarnContext(ctx, "qualys paging stopped", "endpoint", endpoint, "page", n,
				"error", c.redact(err.Error()))
			page.Truncated = true

			return page, nil
		}

		if next <= idMin || next <= maxID {
			return page, fmt.Errorf("%s page %d: next id_min %d does not advance past %d: "+
				"paging loop", endpoint, n, next, max(idMin, maxID))
		}

		if n >= c.cfg.MaxPages {
			page.Truncated = true

			return page, nil
		}

		idMin = next
	}
}

// pullPage fetches the page that starts at idMin. When resumable and the body broke off
// after some items were emitted (a transport error the retry loop must not repeat, since
// it would emit them twice), it asks again from just past the last emitted ID, up to
// Config.MaxAttempts requests: a cut in a 100 MB page costs only what had not arrived.
func (c *Client) pullPage(ctx context.Context, endpoint string, base url.Values, idMin int64,
	resumable bool, fetch fetchPage, page *Page) (pageInfo, error) {
	var lastID int64

	for try := 1; ; try++ {
		form := maps.Clone(base)
		if idMin > 0 {
			form.Set("id_min", strconv.FormatInt(idMin, 10))
		}

		info, sent, err := fetch(ctx, form, idMin)
		page.Requests += sent
		info.lastID = max(info.lastID, lastID)
		lastID = info.lastID

		if err == nil || !resumable || !canResume(err, info, idMin) || try >= c.cfg.MaxAttempts {
			return info, err
		}

		idMin = info.lastID + 1

		c.log.InfoContext(ctx, "qualys page cut short, resuming", "endpoint", endpoint,
			"id_min", idMin, "attempt", try, "error", c.redact(err.Error()))

		start := time.Now()
		err = sleep(ctx, backoff(reasonTransport, try, 0, rand.Float64()))
		c.observe(Event{Kind: EventWait, Endpoint: endpoint, Outcome: reasonTransport,
			Attempt: try, Duration: time.Since(start)})

		if err != nil {
			return info, fmt.Errorf("%s: %w", endpoint, err)
		}
	}
}

// canResume reports whether a page that failed with err can be asked again from past its
// last item: the body broke off (transport) after items were emitted in ID order.
func canResume(err error, info pageInfo, idMin int64) bool {
	var tErr *transportError

	return errors.As(err, new(*partialError)) && errors.As(err, &tErr) && info.ordered &&
		info.lastID >= idMin
}

// nextIDMin reads id_min from a WARNING's URL (padded CDATA, any host).
func nextIDMin(w *warning) (int64, error) {
	raw := trim(w.URL)
	if raw == "" {
		return 0, fmt.Errorf("read next page: warning %q has no URL", trim(w.Code))
	}

	u, err := url.Parse(raw)
	if err != nil {
		return 0, fmt.Errorf("read next page: warning URL does not parse: %w", err)
	}

	v := u.Query().Get("id_min")

	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("read next page: warning URL has no usable id_min (%q)", v)
	}

	return n, nil
}
