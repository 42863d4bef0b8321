package qualys

import (
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeQualys is an in-memory server whose calls take work of fake time; respond may answer
// instead of the default empty detection page.
type fakeQualys struct {
	mu       sync.Mutex
	running  int
	peak     int
	hits     []time.Duration // since start, per request
	start    time.Time
	work     time.Duration
	header   http.Header
	respond  func(w http.ResponseWriter, n int, running int) bool // true: answered
	requests atomic.Int32
}

func (f *fakeQualys) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	n := int(f.requests.Add(1))

	f.mu.Lock()
	f.running++
	f.peak = max(f.peak, f.running)
	running := f.running
	f.hits = append(f.hits, time.Since(f.start))
	f.mu.Unlock()

	defer func() {
		f.mu.Lock()
		f.running--
		f.mu.Unlock()
	}()

	for k, v := range f.header {
		w.Header()[k] = v
	}

	if f.respond != nil && f.respond(w, n, running) {
		return
	}

	time.Sleep(f.work) // the fake server's work, on the bubble's fake clock
	_, _ = w.Write([]byte(hldEmpty))
}

func detect(c *Client, t *testing.T) error {
	_, err := c.HostDetections(t.Context(), DetectionQuery{IDs: []int64{1}}, noop[Host])

	return err
}

func TestGovernor_concurrency_cap(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		header   http.Header
		wantPeak int
	}{
		{"default_two_until_learned", nil, 2},
		{"learned_from_header", http.Header{"X-Concurrency-Limit-Limit": {"3"}}, 3},
		{"learned_from_other_spelling", http.Header{"X-Concurrencylimit-Limit": {"4"}}, 4},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			synctest.Test(t, func(t *testing.T) {
				f := &fakeQualys{start: time.Now(), work: 10 * time.Second, header: tt.header}
				c := memClient(t, f)

				var wg sync.WaitGroup
				for range 12 {
					wg.Go(func() {
						if err := detect(c, t); err != nil {
							t.Error(err)
						}
					})
				}

				wg.Wait()

				if f.peak != tt.wantPeak {
					t.Errorf("peak concurrency = %d, want %d", f.peak, tt.wantPeak)
				}

				if got := c.Limits().Running; got != 0 {
					t.Errorf("running after all calls = %d, want 0", got)
				}
			})
		})
	}
}

func TestGovernor_1960_waits_for_our_running_call(t *testing.T) {
	t.Parallel()

	synctest.Test(t, func(t *testing.T) {
		var events []Event

		var mu sync.Mutex

		f := &fakeQualys{start: time.Now(), work: 10 * time.Second}
		// The subscription allows one call, though the headers have not said so yet.
		f.respond = func(w http.ResponseWriter, _ int, running int) bool {
			if running < 2 {
				return false
			}

			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(simpleError("1960", "This API cannot be run again until 1 "+
				"currently running API instance has finished.", "CALLS_TO_FINISH", "1")))

			return true
		}
		c := memClient(t, f, func(cfg *Config) {
			cfg.Observer = func(e Event) { mu.Lock(); events = append(events, e); mu.Unlock() }
		})

		var wg sync.WaitGroup
		wg.Go(func() { _ = detect(c, t) })
		synctest.Wait() // the first call is now running on the server

		start := time.Now()
		if err := detect(c, t); err != nil {
			t.Fatalf("second call: %v", err)
		}

		// It waited exactly for the first call to end, then did its own 10 s of work.
		if got := time.Since(start); got != 20*time.Second {
			t.Errorf("second call took %v, want 20s", got)
		}

		wg.Wait()

		if diff := cmp.Diff([]time.Duration{0, 0, 10 * time.Second}, f.hits); diff != "" {
			t.Errorf("request times (-want +got):\n%s", diff)
		}

		var waits []string
		for _, e := range events {
			if e.Kind == EventWait {
				waits = append(waits, e.Outcome)
			}
		}

		if diff := cmp.Diff([]string{reasonConcurrency}, waits); diff != "" {
			t.Errorf("wait events (-want +got):\n%s", diff)
		}
	})
}

func rate1965(toWait string) func(http.ResponseWriter, int, int) bool {
	return func(w http.ResponseWriter, n int, _ int) bool {
		if n != 1 {
			return false
		}

		w.Header().Set("X-RateLimit-ToWait-Sec", toWait)
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(simpleError("1965", "This API cannot be run again for another "+
			"N seconds.", "SECONDS_TO_WAIT", toWait)))

		return true
	}
}

func TestGovernor_1965_waits_to_wait_for_every_caller(t *testing.T) {
	t.Parallel()

	synctest.Test(t, func(t *testing.T) {
		f := &fakeQualys{start: time.Now(), respond: rate1965("30")}
		c := memClient(t, f)

		var wg sync.WaitGroup
		wg.Go(func() {
			if err := detect(c, t); err != nil {
				t.Error(err)
			}
		})

		time.Sleep(5 * time.Second) // a second caller arrives while the first one waits

		if err := detect(c, t); err != nil {
			t.Fatal(err)
		}

		wg.Wait()

		want := []time.Duration{0, 31 * time.Second, 31 * time.Second}
		if diff := cmp.Diff(want, f.hits); diff != "" {
			t.Errorf("request times (-want +got):\n%s", diff)
		}
	})
}

func TestGovernor_1965_longer_than_max_wait_fails_fast(t *testing.T) {
	t.Parallel()

	synctest.Test(t, func(t *testing.T) {
		f := &fakeQualys{start: time.Now(), respond: rate1965("3600")}
		c := memClient(t, f, func(cfg *Config) { cfg.MaxWait = time.Minute })

		for i := range 2 {
			err := detect(c, t)

			var rl *RateLimitError
			if !errors.As(err, &rl) || rl.ToWait < 59*time.Minute {
				t.Fatalf("call %d: err = %v, want a RateLimitError of about an hour", i, err)
			}
		}

		if f.requests.Load() != 1 {
			t.Errorf("requests = %d, want 1: the second call must fail locally", f.requests.Load())
		}
	})
}

func TestGovernor_learned_rate_window_delays_next_call(t *testing.T) {
	t.Parallel()

	synctest.Test(t, func(t *testing.T) {
		f := &fakeQualys{start: time.Now()}
		f.respond = func(w http.ResponseWriter, n int, _ int) bool {
			if n == 1 {
				w.Header().Set("X-RateLimit-Limit", "300")
				w.Header().Set("X-RateLimit-Window-Sec", "3600")
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.Header().Set("X-RateLimit-ToWait-Sec", "45")
			}

			return false
		}
		c := memClient(t, f)

		for range 2 {
			if err := detect(c, t); err != nil {
				t.Fatal(err)
			}
		}

		if diff := cmp.Diff([]time.Duration{0, 45 * time.Second}, f.hits); diff != "" {
			t.Errorf("request times (-want +got):\n%s", diff)
		}

		if l := c.Limits(); l.RateLimit != 300 || l.WindowSec != 3600 {
			t.Errorf("Limits = %+v, want rate 300 per 3600 s", l)
		}
	})
}

func TestGovernor_context_bounds_waits(t *testing.T) {
	t.Parallel()

	synctest.Test(t, func(t *testing.T) {
		f := &fakeQualys{start: time.Now(), respond: rate1965("60")}
		c := memClient(t, f)

		ctx, cancel := contextWithTimeout(t, 10*time.Second)
		defer cancel()

		_, err := c.HostDetections(ctx, DetectionQuery{IDs: []int64{1}}, noop[Host])
		if !errors.Is(err, errDeadline) {
			t.Errorf("err = %v, want the context's deadline", err)
		}
	})
}
