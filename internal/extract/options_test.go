package extract

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestNewRefusesRegex checks that each refused pattern names its option and says why.
func TestNewRefusesRegex(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		opts    Options
		wantKey string
		wantMsg string
	}{
		{"lookbehind", Options{CustomQIDPattern: `(?<=QID:)\d+`}, KeyCustomQIDRegex, "lookbehind"},
		{"negative_lookbehind", Options{CustomQIDPattern: `(?<!x)\d+`}, KeyCustomQIDRegex, "lookbehind"},
		{"lookahead", Options{CustomQIDPattern: `\d+(?=x)`}, KeyCustomQIDRegex, "lookahead"},
		{"backreference", Options{CustomQIDPattern: `(\d)\1`}, KeyCustomQIDRegex, "backreferences"},
		{"named_backreference", Options{CustomQIDPattern: `(?<n>\d)\k<n>`}, KeyCustomQIDRegex,
			"backreferences"},
		{"atomic_group", Options{CustomQIDPattern: `(?>a)\d`}, KeyCustomQIDRegex, "atomic"},
		{"possessive", Options{CustomQIDPattern: `\d++`}, KeyCustomQIDRegex, "possessive"},
		{"syntax_error", Options{CustomQIDPattern: `TICKET-(\d+`}, KeyCustomQIDRegex,
			"missing closing )"},
		{"empty_match_star", Options{CustomQIDPattern: `\d*`}, KeyCustomQIDRegex, "empty string"},
		{"empty_match_letters", Options{CustomQIDPattern: `a*`}, KeyCustomQIDRegex, "empty string"},
		{"empty_match_alternative", Options{CustomQIDPattern: `TICKET-\d+|x?`}, KeyCustomQIDRegex,
			"empty string"},
		{"empty_match_anchor", Options{CustomQIDPattern: `^`}, KeyCustomQIDRegex, "empty string"},
		{"too_long", Options{CustomQIDPattern: strings.Repeat("a", 2000)}, KeyCustomQIDRegex,
			"limit"},
		{"value_lookbehind", Options{CustomQIDPattern: `TICKET-\d+`,
			CustomQIDValuePattern: `(?<=TICKET-)\d+`}, KeyCustomQIDValueRegex, "lookbehind"},
		{"value_syntax_error", Options{CustomQIDPattern: `TICKET-\d+`,
			CustomQIDValuePattern: `[0-9`}, KeyCustomQIDValueRegex, "missing closing ]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x, err := New(tc.opts)
			if err == nil {
				t.Fatalf("New(%+v) = %v, want an error", tc.opts, x)
			}

			var oe *OptionError
			if !errors.As(err, &oe) {
				t.Fatalf("New error %v is not an *OptionError", err)
			}
			if oe.Key != tc.wantKey || !strings.Contains(oe.Message, tc.wantMsg) {
				t.Errorf("New error = {%q, %q}, want key %q and a message containing %q",
					oe.Key, oe.Message, tc.wantKey, tc.wantMsg)
			}
		})
	}
}

func TestNewReportsEveryBadOption(t *testing.T) {
	t.Parallel()
	_, err := New(Options{CustomQIDPattern: `(?<=a)1`, CustomQIDValuePattern: `(\d)\1`})
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("New error %v does not list its option errors", err)
	}

	var keys []string
	for _, e := range joined.Unwrap() {
		var oe *OptionError
		if errors.As(e, &oe) {
			keys = append(keys, oe.Key)
		}
	}
	if diff := cmp.Diff([]string{KeyCustomQIDRegex, KeyCustomQIDValueRegex}, keys); diff != "" {
		t.Errorf("refused keys (-want +got):\n%s", diff)
	}
}

func TestNewAcceptsRE2(t *testing.T) {
	t.Parallel()
	for _, p := range []string{`TICKET-\d+`, `(?i)vuln#\d{4,8}`, `(?P<q>\d+)-x`, `(?<q>\d+)-x`} {
		if _, err := New(Options{CustomQIDPattern: p, CustomQIDValuePattern: p}); err != nil {
			t.Errorf("New(%q) = %v, want no error", p, err)
		}
	}
}

// TestCustomQIDSeedTable is the seed's normative table, plus entities.md §6's custom cases and the
// fallback rules. Values are the digits as extracted (ASSET-00038623 gives 00038623, the seed's
// table gives 00091); the lookup sends the integer (38623, 91). Two custom types on one span
// (§6) cannot arise: qlens has the one customQid type. Pattern a* is refused, not ignored
// (TestNewRefusesRegex).
func TestCustomQIDSeedTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, pattern, valuePattern, in string
		want                            []Entity
	}{
		{"ticket_42", `TICKET-\d+`, `TICKET-(\d+)`, "TICKET-42",
			[]Entity{{Type: CustomQID, Value: "42", Raw: "TICKET-42", Spans: []Span{{0, 9}}}}},
		{"ticket_group", `TICKET-\d+`, `TICKET-(\d+)`, "see TICKET-38623.",
			[]Entity{{Type: CustomQID, Value: "38623", Raw: "TICKET-38623", Spans: []Span{{4, 16}}}}},
		{"vuln_blank", `VULN#\d{4,8}`, "", "VULN#12345",
			[]Entity{{Type: CustomQID, Value: "12345", Raw: "VULN#12345", Spans: []Span{{0, 10}}}}},
		{"asset_tag_anchor", `asset-tag-\d+`, `(\d+)$`, "asset-tag-00091",
			[]Entity{{Type: CustomQID, Value: "00091", Raw: "asset-tag-00091", Spans: []Span{{0, 15}}}}},
		{"blank_takes_last_run", `TICKET-\d+-[A-Z]`, "", "TICKET-42-A",
			[]Entity{{Type: CustomQID, Value: "42", Raw: "TICKET-42-A", Spans: []Span{{0, 11}}}}},
		{"blank_keeps_zeros", `ASSET-\d+`, "", "ASSET-00038623",
			[]Entity{{Type: CustomQID, Value: "00038623", Raw: "ASSET-00038623", Spans: []Span{{0, 14}}}}},
		{"no_group_whole_match", `TICKET-\d+`, `\d+`, "TICKET-7",
			[]Entity{{Type: CustomQID, Value: "7", Raw: "TICKET-7", Spans: []Span{{0, 8}}}}},
		{"no_group_match_with_text", `TICKET-\d+`, `TICKET-\d+`, "TICKET-7",
			[]Entity{{Type: CustomQID, Value: "7", Raw: "TICKET-7", Spans: []Span{{0, 8}}}}},
		{"first_participating_group", `T-\d+-\d+`, `(x)?T-(\d+)-\d+`, "T-5-6",
			[]Entity{{Type: CustomQID, Value: "5", Raw: "T-5-6", Spans: []Span{{0, 5}}}}},
		{"empty_value_match_falls_back", `TICKET-\d+`, `\d*`, "TICKET-42",
			[]Entity{{Type: CustomQID, Value: "42", Raw: "TICKET-42", Spans: []Span{{0, 9}}}}},
		{"value_regex_misses", `TICKET-\d+`, `XYZ(\d+)`, "TICKET-77",
			[]Entity{{Type: CustomQID, Value: "77", Raw: "TICKET-77", Spans: []Span{{0, 9}}}}},
		{"no_digits_dropped", `TICKET-[A-Z]+`, "", "TICKET-ABC", []Entity{}},
		{"dedup_and_spans", `T-\d+`, `T-(\d+)`, "T-5 x T-5",
			[]Entity{{Type: CustomQID, Value: "5", Raw: "T-5", Spans: []Span{{0, 3}, {6, 9}}}}},
		{"inside_builtin", `\d{5}`, "", "QID 38623",
			[]Entity{{Type: QID, Value: "38623", Raw: "QID 38623", Spans: []Span{{0, 9}}},
				{Type: CustomQID, Value: "38623", Raw: "38623", Spans: []Span{{4, 9}}}}},
		{"overlaps_builtin", `QID-\d+`, "", "QID-91",
			[]Entity{{Type: QID, Value: "91", Raw: "QID-91", Spans: []Span{{0, 6}}},
				{Type: CustomQID, Value: "91", Raw: "QID-91", Spans: []Span{{0, 6}}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x, err := New(Options{CustomQIDPattern: tc.pattern, CustomQIDValuePattern: tc.valuePattern})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if diff := cmp.Diff(tc.want, x.Extract([]byte(tc.in))); diff != "" {
				t.Errorf("Extract(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestCustomQIDDisabledByDefault(t *testing.T) {
	t.Parallel()
	x, err := New(Options{CustomQIDValuePattern: `TICKET-(\d+)`})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if got := x.Extract([]byte("TICKET-38623")); len(got) != 0 {
		t.Errorf("Extract with no customQidRegex = %v, want nothing", got)
	}
}

func TestCustomQIDValue(t *testing.T) {
	t.Parallel()
	x, err := New(Options{CustomQIDPattern: `TICKET-\d+`, CustomQIDValuePattern: `TICKET-(\d+)`})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	got, ok := x.CustomQIDValue("TICKET-38623")
	if got != "38623" || !ok {
		t.Errorf("CustomQIDValue = %q, %v; want 38623, true", got, ok)
	}
	if got, ok = x.CustomQIDValue("TICKET-"); ok {
		t.Errorf("CustomQIDValue(no digits) = %q, true; want false", got)
	}
}
