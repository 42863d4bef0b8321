package qualyssim

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Qualys error codes the simulator returns (qualys-api.md §7, Appendix D).
const (
	codeUnrecognizedParam = 1901 // 400 Unrecognized parameter(s)
	codeMissingParam      = 1903 // 400 Missing required parameter(s)
	codeOnlyOneOf         = 1904 // 400 Please specify only one of these parameters
	codeInvalidValue      = 1905 // 400 parameter … has invalid value
	codeMethod            = 1908 // 400 Request method incompatible with parameter(s)
	codeAtLeastOneOf      = 1922 // 400 Please specify at least one of the following parameters
	codeConcurrency       = 1960 // 409 concurrency limit
	codeRateLimit         = 1965 // 409 rate limit
	codeTruncated         = 1980 // WARNING: record limit exceeded
	codeBadLogin          = 2000 // 401 Bad Login/Password
	codeAccountExpired    = 2001 // 200 (!) This account has expired.
)

// item is one ITEM of a SIMPLE_RETURN ITEM_LIST.
type item struct{ key, value string }

// apiError is a SIMPLE_RETURN error: HTTP status, CODE, TEXT and optional items.
type apiError struct {
	status int
	code   int
	text   string
	items  []item
	style  srStyle
}

// srStyle reproduces layout quirks of real SIMPLE_RETURN bodies (qualys-api.md §7, §10, §15).
type srStyle struct {
	noDeclaration bool // no <?xml ...?> line, as the recorded 400/1905 answer
	padded        bool // "DATETIME " and " TEXT", as the vendor's 409 examples
}

func (e *apiError) Error() string { return fmt.Sprintf("qualys code %d: %s", e.code, e.text) }

func invalidValue(name, value, why string) *apiError {
	text := fmt.Sprintf("parameter %s has invalid value: %s", name, value)
	if why != "" {
		text += " (" + why + ")"
	}

	return &apiError{status: http.StatusBadRequest, code: codeInvalidValue, text: text,
		style: srStyle{noDeclaration: true}}
}

func missingParam(names string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeMissingParam,
		text: "Missing required parameter(s): " + names}
}

func unrecognizedParams(names string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeUnrecognizedParam,
		text: "Unrecognized parameter(s): " + names}
}

func onlyOneOf(names string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeOnlyOneOf,
		text: "Please specify only one of these parameters: " + names}
}

func atLeastOneOf(names string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeAtLeastOneOf,
		text: "Please specify at least one of the following parameters: " + names}
}

// simpleReturnDTD is where SIMPLE_RETURN's DTD lives on the platform; base is our own URL.
func simpleReturnDTD(base string) string { return base + "/api/2.0/simple_return.dtd" }

// writeSimpleReturn writes a SIMPLE_RETURN document with status, optional CODE, TEXT and items.
func writeSimpleReturn(w http.ResponseWriter, base string, now time.Time, status int, code int,
	text string, items []item) {
	writeSimpleReturnStyle(w, base, now, &apiError{status: status, code: code, text: text,
		items: items})
}

// writeSimpleReturnStyle writes e (CODE 0: none) as a SIMPLE_RETURN in e's style.
func writeSimpleReturnStyle(w http.ResponseWriter, base string, now time.Time, e *apiError) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(e.status)

	x := newXW(w)
	if e.style.noDeclaration {
		x.raw("<!DOCTYPE SIMPLE_RETURN SYSTEM \"" + simpleReturnDTD(base) + "\">\n")
	} else {
		x.prolog("SIMPLE_RETURN", simpleReturnDTD(base))
	}

	x.open(0, "SIMPLE_RETURN")
	x.open(1, "RESPONSE")

	if e.style.padded {
		x.text(2, "DATETIME", now.UTC().Format(qualysTime)+" ")
	} else {
		x.time(2, "DATETIME", now)
	}

	if e.code != 0 {
		x.text(2, "CODE", strconv.Itoa(e.code))
	}

	text, items := e.text, e.items
	if e.style.padded {
		text = " " + text
	}

	x.text(2, "TEXT", text)

	if len(items) > 0 {
		x.open(2, "ITEM_LIST")

		for _, it := range items {
			x.open(3, "ITEM")
			x.text(4, "KEY", it.key)
			x.text(4, "VALUE", it.value)
			x.close(3, "ITEM")
		}

		x.close(2, "ITEM_LIST")
	}

	x.close(1, "RESPONSE")
	x.close(0, "SIMPLE_RETURN")
	_ = x.flush()
}

// writeAPIError writes e as a SIMPLE_RETURN.
func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, e *apiError) {
	writeSimpleReturnStyle(w, baseURL(r), s.now(), e)
}

// waitText renders seconds as the platform's "23 hours, 57 minutes and 54 seconds".
func waitText(sec int) string {
	return fmt.Sprintf("%d hours, %d minutes and %d seconds", sec/3600, sec%3600/60, sec%60)
}
