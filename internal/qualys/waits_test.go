package qualys

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Tests of the governor's and the retry loop's waits, all on synctest's fake clock: a wait
// that ignored its context, or a goroutine left behind, would deadlock the bubble.

func TestGovernor_1965_without_header_waits_SECONDS_TO_WAIT(t *testing.T) {
	t.Parallel()

	synctest.Test(t, func(t *testing.T) {
		f := &fakeQualys{start: time.Now()}
		f.respond = func(w http.ResponseWriter, n int, _ int) bool {
			if n != 1 {
				return false
			}

			// Only the ITEM says how long: qualysdk notes the header may be missing.
			w.WriteHeader(http.StatusConflict)
			_, _ = io.WriteString(w, simpleError("1965", "This API cannot be run again for "+
				"another 0 hours, 0 minutes and 30 seconds.", "SECONDS_TO_WAIT", " 30 "))

			return true
		}
		c := memClient(t, f)

		if err := detect(c, t); err != nil {
			t.Fatal(err)
		}

		if diff := cmp.Diff([]time.Duration{0, 31 * time.Second}, f.hits); diff != "" {
			t.Errorf("request times (-want +got):\n%s", diff)
		}
	})
}

func TestGovernor_1960_from_other_clients_backs_off(t *testing.T) {
	t.Parallel()

	synctest.Test(t, func(t *testing.T) {
		f := &fakeQualys{start: time.Now()}
		// Another integration holds the subscription's only slot; none of our calls runs,
		// and a concurrency-blocked answer carries no ToWait (qualys-api.md §10).
		f.respond = func(w http.ResponseWriter, n int, _ int) bool {
			if n != 1 {
				return false
			}

			w.Header().Set("X-Concurrency-Limit-Limit", "1")
			w.Header().Set("X-Concurrency-Limit-Running", "1")
			w.WriteHeader(http.StatusConflict)
			_, _ = io.WriteString(w, simpleError("1960", "This API cannot be run again until 1 "+
				"currently running API instance has finished.", "CALLS_TO_FINISH", "1"))

			return true
		}
		c := memClient(t, f)

		if err := detect(c, t); err != nil {
			t.Fatal(err)
		}

		if len(f.hits) != 2 || f.hits[1] < backoffConcurrency/2 || f.hits[1] > backoffConcurrency {
			t.Errorf("request times %v, want a retry after %v to %v", f.hits,
				backoffConcurrency/2, backoffConcurrency)
		}

		if got := c.Limits().Concurrency; got != 1 {
			t.Errorf("learned concurrency = %d, want 1 from the 409's headers", got)
		}
	})
}

// TestGovernor_rate_block_is_per_API: Qualys counts the rate window per API, so a spent
// KnowledgeBase window fails KB calls fast but lets detection calls through.
func TestGovernor_rate_block_is_per_API(t *testing.T) {
	t.Parallel()

	synctest.Test(t, func(t *testing.T) {
		var kb, hld atomic.Int32

		c := memClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "knowledge_base") {
				kb.Add(1)
				w.Header().Set("X-RateLimit-ToWait-Sec", "3600")
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.WriteHeader(http.StatusConflict)
				_, _ = io.WriteString(w, simpleError("1965", "This API cannot be run again "+
					"for another 1 hours, 0 minutes and 0 seconds.", "SECONDS_TO_WAIT", "3600"))

				return
			}

			hld.Add(1)
			_, _ = io.WriteString(w, hldEmpty)
		}), func(cfg *Config) { cfg.MaxWait = time.Minute })

		for range 2 {
			_, err := c.KnowledgeBase(t.Context(), KBQuery{IDs: []int{6}}, noop[Vuln])
			if _, ok := errors.AsType[*RateLimitError](err); !ok {
				t.Fatalf("KB err = %v, want a RateLimitError", err)
			}
		}

		start := time.Now()
		if err := detect(c, t); err != nil {
			t.Fatalf("detection blocked by the KB's window: %v", err)
		}

		if time.Since(start) != 0 || kb.Load() != 1 || hld.Load() != 1 {
			t.Errorf("detection waited %v; KB requests %d, detection %d; want 0s, 1, 1",
				time.Since(start), kb.Load(), hld.Load())
		}

		if c.Limits().BlockedUntil.IsZero() {
			t.Error("Limits().BlockedUntil is zero while the KB is blocked")
		}
	})
}

// TestGovernor_context_ends_every_wait cancels a call in each kind of wait and checks that
// it returns the context's error the moment the deadline passes.
func TestGovernor_context_ends_every_wait(t *testing.T) {
	t.Parallel()

	hold := func(f *fakeQualys) { f.work = time.Hour }
	tests := []struct {
		name   string
		setup  func(f *fakeQualys)
		before int // calls started (and left running) before the one that is cancelled
	}{{
		name: "slot_wait", setup: hold, before: 2,
	}, {
		name: "1960_wait_for_our_running_call", before: 1,
		setup: func(f *fakeQualys) {
			f.work = time.Hour
			f.respond = func(w http.ResponseWriter, _ int, running int) bool {
				if running < 2 {
					return false
				}

				w.WriteHeader(http.StatusConflict)
				_, _ = io.WriteString(w, simpleError("1960", "busy", "CALLS_TO_FINISH", "1"))

				return true
			}
		},
	}, {
		name: "back_off_after_5xx",
		setup: func(f *fakeQualys) {
			f.respond = func(w http.ResponseWriter, _ int, _ int) bool {
				w.WriteHeader(http.StatusServiceUnavailable)

				return true
			}
		},
	}, {
		name: "learned_rate_window", before: 1,
		setup: func(f *fakeQualys) {
			f.header = http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Towait-Sec": {"90"}}
		},
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			synctest.Test(t, func(t *testing.T) {
				f := &fakeQualys{start: time.Now()}
				tt.setup(f)
				c := memClient(t, f)

				bg, stop := context.WithCancel(t.Context())
				defer stop()

				var wg sync.WaitGroup
				for range tt.before {
					wg.Go(func() {
						_, _ = c.HostDetections(bg, DetectionQuery{IDs: []int64{1}}, noop[Host])
					})
					synctest.Wait()
				}

				ctx, cancel := context.WithTimeout(t.Context(), 400*time.Millisecond)
				defer cancel()

				start := time.Now()
				_, err := c.HostDetections(ctx, DetectionQuery{IDs: []int64{1}}, noop[Host])

				if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 400*time.Millisecond {
					t.Errorf("err = %v after %v; want the deadline after 400ms", err,
						time.Since(start))
				}

				stop()
				wg.Wait()

				if got := c.Limits().Running; got != 0 {
					t.Errorf("slots still held: %d", got)
				}
			})
		})
	}
}

// TestRetry_rebuilds_the_body checks that a re-sent call carries the whole form again, for
// a list after a 5xx and for a launch after a 1960.
func TestRetry_rebuilds_the_body(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		first func(w http.ResponseWriter)
		ok    string
		call  func(c *Client, t *testing.T) error
	}{{
		name:  "list_after_503",
		first: func(w http.ResponseWriter) { w.WriteHeader(http.StatusServiceUnavailable) },
		ok:    hldEmpty,
		call: func(c *Client, t *testing.T) error {
			_, err := c.HostDetections(t.Context(), DetectionQuery{IPs: []string{"192.0.2.1"},
				QIDs: []int{38173}}, noop[Host])

			return err
		},
	}, {
		name: "launch_after_1960",
		first: func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusConflict)
			_, _ = io.WriteString(w, simpleError("1960", "busy", "CALLS_TO_FINISH", "1"))
		},
		ok: launchOK,
		call: func(c *Client, t *testing.T) error {
			_, err := c.LaunchScan(t.Context(), LaunchRequest{Title: "t", IP: "192.0.2.1",
				OptionID: 7})

			return err
		},
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			synctest.Test(t, func(t *testing.T) {
				var bodies [][]byte

				c := memClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					b, _ := io.ReadAll(r.Body)
					bodies = append(bodies, b)

					if len(bodies) == 1 {
						tt.first(w)

						return
					}

					_, _ = io.WriteString(w, tt.ok)
				}))

				if err := tt.call(c, t); err != nil {
					t.Fatal(err)
				}

				if len(bodies) != 2 || len(bodies[0]) == 0 || !bytes.Equal(bodies[0], bodies[1]) {
					t.Errorf("bodies sent: %q; want the same non-empty form twice", bodies)
				}
			})
		})
	}
}

// hangingTransport never answers the first request: it waits for the request's context,
// as a stalled server does. Later requests get body.
func hangingTransport(calls *atomic.Int32, body string) roundTripFunc {
	return func(r *http.Request) (*http.Response, error) {
		if calls.Add(1) == 1 {
			<-r.Context().Done()

			return nil, r.Context().Err()
		}

		return &http.Response{StatusCode: 200, Header: http.Header{}, Request: r,
			Body: io.NopCloser(strings.NewReader(body))}, nil
	}
}

func TestAttemptTimeout_is_retried_for_lists_only(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		body      string
		call      func(c *Client, t *testing.T) error
		wantCalls int32
		wantErr   bool
	}{{
		name: "detection_list_is_re_sent", body: hldEmpty, wantCalls: 2,
		call: func(c *Client, t *testing.T) error { return detect(c, t) },
	}, {
		// The launch may have reached the scanner before the answer stalled: never re-sent.
		name: "launch_is_not", body: launchOK, wantCalls: 1, wantErr: true,
		call: func(c *Client, t *testing.T) error {
			_, err := c.LaunchScan(t.Context(), LaunchRequest{Title: "t", IP: "192.0.2.1",
				OptionID: 7})

			return err
		},
	}}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			synctest.Test(t, func(t *testing.T) {
				var calls atomic.Int32

				c := memClient(t, nil, func(cfg *Config) {
					cfg.Timeout = 30 * time.Second
					cfg.HTTPClient = &http.Client{Transport: hangingTransport(&calls, tt.body)}
				})

				err := tt.call(c, t)
				if (err != nil) != tt.wantErr || calls.Load() != tt.wantCalls {
					t.Errorf("err = %v after %d calls; want error %v after %d", err,
						calls.Load(), tt.wantErr, tt.wantCalls)
				}

				if tt.wantErr && !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err = %v, want the attempt's deadline", err)
				}
			})
		})
	}
}

func TestLaunchScan_not_resent_after_unproven_blocks(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name   string
		answer func(w http.ResponseWriter)
	}{
		{"empty_409", func(w http.ResponseWriter) { w.WriteHeader(http.StatusConflict) }},
		{"429_from_a_proxy", func(w http.ResponseWriter) { w.WriteHeader(http.StatusTooManyRequests) }},
		{"409_1920_business_lock", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusConflict)
			_, _ = io.WriteString(w, simpleError("1920", "The requested operation is blocked"))
		}},
		{"generic_return_999", func(w http.ResponseWriter) {
			_, _ = io.WriteString(w, `<GENERIC_RETURN><RETURN status="FAILED" number="999">`+
				`Internal error</RETURN></GENERIC_RETURN>`)
		}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			synctest.Test(t, func(t *testing.T) {
				var calls atomic.Int32

				c := memClient(t, firstThen(&calls, tt.answer, launchOK))

				_, err := c.LaunchScan(t.Context(), LaunchRequest{Title: "t", IP: "192.0.2.1",
					OptionID: 7})
				if err == nil || calls.Load() != 1 {
					t.Errorf("err = %v after %d calls; want an error after 1", err, calls.Load())
				}
			})
		})
	}
}
