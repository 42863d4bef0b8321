package qualys

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
)

func TestSecret_never_prints(t *testing.T) {
	t.Parallel()

	s := Secret(testPassword)
	cfg := Config{BaseURL: "https://q.example.test", Username: "u", Password: s}

	var logged strings.Builder

	text := slog.New(slog.NewTextHandler(&logged, nil))
	text.Info("cfg", "password", s, "config", cfg)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("cfg", "password", s, "config", cfg)

	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}

	txt, _ := s.MarshalText()

	renderings := map[string]string{
		"v": fmt.Sprintf("%v", s), "+v": fmt.Sprintf("%+v", s), "#v": fmt.Sprintf("%#v", s),
		"s": fmt.Sprintf("%s", s), "q": fmt.Sprintf("%q", s), "x": fmt.Sprintf("%x", s),
		"cfg_v": fmt.Sprintf("%v", cfg), "cfg_+v": fmt.Sprintf("%+v", cfg),
		"cfg_#v": fmt.Sprintf("%#v", cfg), "json": string(js), "text": string(txt),
		"slog": logged.String(), "String": s.String(), "GoString": s.GoString(),
	}

	for name, out := range renderings {
		if strings.Contains(out, testPassword) || strings.Contains(out, fmt.Sprintf("%x", testPassword)) {
			t.Errorf("%s leaks the password: %s", name, out)
		}

		if !strings.Contains(out, redacted) {
			t.Errorf("%s does not say %s: %s", name, redacted, out)
		}
	}

	if s.Reveal() != testPassword || !s.IsSet() || Secret("").IsSet() {
		t.Error("Reveal or IsSet wrong")
	}
}

// TestSecret_never_leaks_through_client drives the client through errors that echo request
// data and checks that no log line, error string or printed client holds the password or
// the Authorization header.
func TestSecret_never_leaks_through_client(t *testing.T) {
	t.Parallel()

	synctest.Test(t, func(t *testing.T) {
		logger, logs := logCapture()
		auth := base64.StdEncoding.EncodeToString([]byte("u-" + t.Name() + ":" + testPassword))

		bodies := []struct {
			status int
			body   string
		}{
			{401, simpleError("2000", "Bad Login/Password for "+testPassword)},
			{200, "<html><body>echo: Authorization: Basic " + auth + " pw=" + testPassword + "</body></html>"},
			{503, "upstream said " + testPassword},
			{400, simpleError("1905", "parameter ids has invalid value: "+testPassword)},
		}

		n := 0
		c := memClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			b := bodies[min(n, len(bodies)-1)]
			w.WriteHeader(b.status)
			_, _ = io.WriteString(w, b.body)
		}), func(cfg *Config) { cfg.Logger = logger; cfg.MaxAttempts = 1 })

		var errs []string

		for n = range bodies {
			_, err := c.HostDetections(t.Context(), DetectionQuery{IDs: []int64{1}}, noop[Host])
			if err == nil {
				t.Fatalf("body %d: no error", n)
			}

			var apiErr *APIError
			if errors.As(err, &apiErr) {
				errs = append(errs, fmt.Sprintf("%+v %#v", apiErr, apiErr))
			}

			errs = append(errs, err.Error(), fmt.Sprintf("%+v", err))
		}

		errs = append(errs, fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%v", *c))

		all := strings.Join(errs, "\n") + logs.String()
		for _, secret := range []string{testPassword, auth} {
			if strings.Contains(all, secret) {
				t.Errorf("secret leaked:\n%s", all)
			}
		}

		if !strings.Contains(logs.String(), `"endpoint":"detection"`) {
			t.Errorf("expected request logs, got %s", logs.String())
		}
	})
}
