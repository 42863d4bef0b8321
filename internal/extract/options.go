package extract

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// Option keys, as the admin sees them, named in every OptionError.
const (
	KeyCustomQIDRegex      = "customQidRegex"
	KeyCustomQIDValueRegex = "customQidValueRegex"
)

// maxPatternLen caps an admin regex: longer patterns are almost always a paste mistake.
const maxPatternLen = 1024

// Options configures an Extractor. The zero value extracts the built-in types only.
type Options struct {
	// CustomQIDPattern is the Custom QID Value data type pattern (option customQidRegex). Empty
	// disables the customQid type.
	CustomQIDPattern string
	// CustomQIDValuePattern extracts the QID from a custom match (option customQidValueRegex):
	// its first capture group if it has one, else its whole match; blank means the last run of
	// digits in the match.
	CustomQIDValuePattern string
}

// OptionError reports one refused option: Key is the option key, Message says why in words an
// admin can act on.
type OptionError struct {
	Key     string
	Message string
}

// Error implements error.
func (e *OptionError) Error() string {
	return e.Key + ": " + e.Message
}

// compileOption compiles an admin regex under RE2 rules, explaining what Go's regexp refuses.
func compileOption(key, pattern string) (*regexp.Regexp, error) {
	if len(pattern) > maxPatternLen {
		return nil, &OptionError{Key: key, Message: fmt.Sprintf(
			"pattern is %d bytes long; the limit is %d", len(pattern), maxPatternLen)}
	}

	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, &OptionError{Key: key, Message: explainRegexError(pattern, err)}
	}

	return re, nil
}

// explainRegexError turns a regexp compile error into advice. Patterns written for JavaScript
// (Polarity) often use constructs RE2 lacks, so those get named explicitly.
func explainRegexError(pattern string, err error) string {
	switch {
	case strings.Contains(pattern, "(?<=") || strings.Contains(pattern, "(?<!"):
		return "lookbehind (?<=...) and (?<!...) is not supported (RE2 syntax); match the " +
			"prefix and put the QID digits in a capture group instead"
	case strings.Contains(pattern, "(?=") || strings.Contains(pattern, "(?!"):
		return "lookahead (?=...) and (?!...) is not supported (RE2 syntax); match the " +
			"following text too, or drop it"
	case strings.Contains(pattern, "(?>"):
		return "atomic groups (?>...) are not supported (RE2 syntax); use a plain group (...)"
	}

	var serr *syntax.Error
	if errors.As(err, &serr) {
		switch {
		case serr.Code == syntax.ErrInvalidEscape && isBackref(serr.Expr):
			return "backreferences like \\1 or \\k<name> are not supported (RE2 syntax); " +
				"repeat the sub-pattern instead"
		case serr.Code == syntax.ErrInvalidRepeatOp && strings.HasSuffix(serr.Expr, "+"):
			return "possessive quantifiers like a++ are not supported (RE2 syntax); use a+"
		}

		return fmt.Sprintf("not a valid regular expression: %s in %q", serr.Code, serr.Expr)
	}

	return "not a valid regular expression: " + err.Error()
}

// isBackref reports whether a rejected escape is a backreference (\1..\9 or \k).
func isBackref(expr string) bool {
	return len(expr) == 2 && expr[0] == '\\' &&
		(expr[1] >= '1' && expr[1] <= '9' || expr[1] == 'k')
}

// matchesEmpty reports whether a parsed pattern can match an empty string somewhere. Zero-width
// assertions count as empty: a pattern made only of them matches nothing an analyst can see.
func matchesEmpty(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpNoMatch, syntax.OpLiteral, syntax.OpCharClass, syntax.OpAnyChar,
		syntax.OpAnyCharNotNL:
		return re.Op == syntax.OpLiteral && len(re.Rune) == 0
	case syntax.OpStar, syntax.OpQuest:
		return true
	case syntax.OpPlus, syntax.OpCapture:
		return matchesEmpty(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min == 0 || matchesEmpty(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !matchesEmpty(sub) {
				return false
			}
		}

		return true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if matchesEmpty(sub) {
				return true
			}
		}

		return false
	default: // empty match, line and text anchors, word boundaries
		return true
	}
}
