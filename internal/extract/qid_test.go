package extract

import "testing"

// TestExtractQID pins the seed's eight QID formats and entities.md §6's QID cases. Deliberate
// difference from §6: QID:00038623 gives the value 00038623, not 38623, as DESIGN.md §5 makes
// the value "the QID digits as extracted" (and the seed keeps 00091 for a custom QID); the
// lookup turns the digits into the integer QID, 38623. QID\n12345 is pinned as no QID: a
// line break ends the keyword, as entities.md §5 advises.
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
		{"thin_space", "QID\u200912345", []string{"qid 12345"}},
		{"narrow_no_break_space", "QID\u202f:\u202f12345", []string{"qid 12345"}},
		{"ideographic_space", "QID\u300012345", []string{"qid 12345"}},
		{"tab", "QID\t12345", []string{"qid 12345"}},
		{"minus_sign", "QID\u221212345", []string{"qid 12345"}},
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
		{"comma_after", "QID: 38623, 38624", []string{"qid 38623"}},
		{"sentence_end", "see QID:38623.", []string{"qid 38623"}},
		{"decimal_after", "QID 38623.5", []string{"qid 38623"}},
		{"hash_is_not_a_seed_form", "QID#123", nil},
		{"equals_is_not_a_seed_form", "QID=123", nil},
		{"plural_list", "QIDs 1, 2", nil},
		{"two_separators", "QID:-5 QID__5", nil},
		{"underscore_after", "QID 5_", nil},
		{"one_entity_many_forms", "QID 5 QID5 qid:5", []string{"qid 5"}},
		{"japanese_neighbours", "詳細はQID 38623を参照", []string{"qid 38623"}},
		{"line_break_after_separator", "QID:\n12345", nil},
	})
}
