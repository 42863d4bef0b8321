package extract

import "testing"

// TestExtractQID pins the seed's eight QID formats and entities.md §6's QID cases. The value is
// the digits as written (DESIGN.md §5); the lookup turns them into the integer QID.
func TestExtractQID(t *testing.T) {
	t.Parallel()
	runCases(t, defaultExtractor, []extractCase{
		{"seed_no_separator", "QID12345", []string{"qid 12345"}},
		{"seed_colon", "QID:12345", []string{"qid 12345"}},
		{"seed_colon_space", "QID: 12345", []string{"qid 12345"}},
		{"seed_spaced_colon", "QID : 12345", []string{"qid 12345"}},
		{"seed_hyphen", "QID-12345", []string{"qid 12345"}},
		{"seed_underscore", "QID_12345", []string{"qid 12345"}},
		{"seed_space", "QID 12345", []string{"qid 12345"}},
		{"seed_lower_case", "qid:38623", []string{"qid 38623"}},
		{"spaced_hyphen", "QID - 12345", []string{"qid 12345"}},
		{"mixed_case", "Qid 5", []string{"qid 5"}},
		{"no_break_space", "QID\u00a012345", []string{"qid 12345"}},
		{"en_dash", "QID–12345", []string{"qid 12345"}},
		{"in_parentheses", "(QID 123).", []string{"qid 123"}},
		{"leading_zeros_kept", "QID:00038623", []string{"qid 00038623"}},
		{"eight_digits", "QID12345678", []string{"qid 12345678"}},
		{"nine_digits_rejected", "QID123456789", nil},
		{"letter_before", "xQID:1", nil},
		{"plural", "QIDS 12345", nil},
		{"no_digits", "QID:", nil},
		{"no_line_crossing", "QID\n12345", nil},
		{"letter_after", "QID 123abc", nil},
		{"after_hyphen", "ref-QID-91", []string{"qid 91"}},
	})
}
