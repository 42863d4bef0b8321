package lookup

import (
	"regexp"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// kbPolicy is the allow-list for KnowledgeBase HTML (diagnosis, consequence, solution):
// simple text markup, tables and https links. No script, style, image, form or event handler
// survives, and links get rel="nofollow noopener" and open in a new tab.
var kbPolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "ul", "ol", "li", "b", "i", "strong", "em", "code", "pre",
		"table", "tr", "td", "th")
	p.AllowAttrs("href").Matching(regexp.MustCompile(`(?i)^https://`)).OnElements("a")
	p.AllowURLSchemes("https")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)

	return p
})

// sanitizeHTML makes vendor HTML safe to render. It runs once per KB record, when the record
// enters the cache.
func sanitizeHTML(s string) string {
	if s == "" {
		return ""
	}

	return kbPolicy().Sanitize(s)
}
