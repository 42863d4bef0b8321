package qualys

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/url"
	"strconv"
)

// pageInfo is what one page told the pager.
type pageInfo struct {
	warning *warning // RESPONSE/WARNING, nil on the last page
	lastID  int64    // largest host ID on the page; 0 when the page held none
}

// fetchPage fetches one page with form and reports what it saw and how many HTTP requests
// it sent.
type fetchPage func(ctx context.Context, form url.Values) (pageInfo, int, error)

// pageDecoder decodes one page of a paged list, handing each item to emit.
type pageDecoder[T any] func(ctx context.Context, r io.Reader, emit func(T) error) (pageInfo,
	error)

// pullList pulls every page of the idempotent list call at path, decoding each page with
// decode.
func pullList[T any](ctx context.Context, c *Client, endpoint, path string, form url.Values,
	decode pageDecoder[T], emit func(T) error) (Page, error) {
	return c.pull(ctx, endpoint, form,
		func(ctx context.Context, form url.Values) (pageInfo, int, error) {
			var info pageInfo

			sent, err := c.do(ctx, request{endpoint: endpoint, path: path, form: form,
				idempotent: true}, func(r io.Reader) error {
				var err error
				info, err = decode(ctx, r, emit)

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
func (c *Client) pull(ctx context.Context, endpoint string, base url.Values,
	fetch fetchPage) (Page, error) {
	var (
		page  Page
		idMin int64
		maxID int64
	)

	for n := 1; ; n++ {
		form := maps.Clone(base)
		if idMin > 0 {
			form.Set("id_min", strconv.FormatInt(idMin, 10))
		}

		info, sent, err := fetch(ctx, form)
		page.Requests += sent

		if err != nil {
			return page, fmt.Errorf("%s page %d: %w", endpoint, n, err)
		}

		maxID = max(maxID, info.lastID)

		if info.warning == nil {
			return page, nil
		}

		next, err := nextIDMin(info.warning)
		if err != nil {
			// A WARNING we cannot follow still means Qualys holds more than it sent.
			c.log.WarnContext(ctx, "qualys paging stopped", "endpoint", endpoint, "page", n,
				"error", err.Error())
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
