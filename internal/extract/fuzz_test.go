package extract

import (
	"net/netip"
	"strings"
	"testing"
)

// FuzzExtract checks the invariants of Extract on arbitrary bytes: no panic; spans in bounds,
// ordered and non-overlapping per entity; the first span's text is Raw; and an entity's Value
// extracted on its own gives back one entity of the same type and value.
func FuzzExtract(f *testing.F) {
	for _, seed := range []string{
		"Blocked 1.1.1.1. and 8[.]8[.]8[.]8", "[2001:db8::1]:443 fe80::1%eth0 ::ffff:1.2.3.4",
		"hxxps://evil[.]example[.]com/x user@invoice.zip", "CVE-2021-44228 cve–2021–1234567",
		"QID: 38623 (qid_5) QID123456789", "TICKET-42 asset-tag-00091", "пример.рф \xff\xfe",
		"0:0:0:0:0:0:0:1 a..b.com 192.168.0.1-192.168.0.20", "x.blogspot.com:8080/a",
		"kaspersky [dot] com 1 (.) 2 [.] 3 {.} 4 evil [dot] \xff", "１９２．１６８．０．１ ｅｘ．ｃｏｍ\xef\xbc",
		"サーバー192.168.1.1に 脆弱性CVE-2021-44228 詳細はQID\u3000386を example.comです",
		"from 2001:db8::1: x http://1.2.3.4/24 u@5.6.7.8/8",
	} {
		f.Add([]byte(seed))
	}

	custom, err := New(Options{CustomQIDPattern: `TICKET-\d+`, CustomQIDValuePattern: `TICKET-(\d+)`})
	if err != nil {
		f.Fatalf("New: %v", err)
	}

	f.Fuzz(func(t *testing.T, text []byte) {
		for _, x := range []*Extractor{defaultExtractor, custom} {
			for _, e := range x.Extract(text) {
				checkSpans(t, text, e)
				checkReextract(t, x, e)
			}
		}
	})
}

func checkSpans(t *testing.T, text []byte, e Entity) {
	t.Helper()
	if len(e.Spans) == 0 {
		t.Fatalf("entity %+v has no spans", e)
	}

	prevEnd := 0
	for _, sp := range e.Spans {
		if sp[0] < prevEnd || sp[0] >= sp[1] || sp[1] > len(text) {
			t.Fatalf("entity %+v: span %v out of order or bounds (text %d bytes)", e, sp, len(text))
		}
		prevEnd = sp[1]
	}
	if got := string(text[e.Spans[0][0]:e.Spans[0][1]]); got != e.Raw {
		t.Fatalf("entity %+v: first span text %q != Raw", e, got)
	}
}

// checkReextract extracts the entity's value alone, in the form that type needs: QIDs get
// their keyword, custom QIDs their raw match, file-like two-label names a URL, and short
// canonical IPv6 forms (::a) their expanded form, as the extractor drops short runs like a::b.
func checkReextract(t *testing.T, x *Extractor, e Entity) {
	t.Helper()
	alone := e.Value
	switch e.Type {
	case QID:
		alone = "QID " + e.Value
	case CustomQID:
		alone = e.Raw
	case Domain:
		if dot := strings.IndexByte(e.Value, '.'); strings.Count(e.Value, ".") == 1 &&
			fileTLDs[e.Value[dot+1:]] {
			alone = "http://" + e.Value + "/"
		}
	case IPv6:
		if len(e.Value) < 6 {
			alone = netip.MustParseAddr(e.Value).StringExpanded()
		}
	}

	var same []Entity
	for _, g := range x.Extract([]byte(alone)) {
		if g.Type == e.Type {
			same = append(same, g)
		}
	}
	if len(same) != 1 || same[0].Value != e.Value {
		t.Fatalf("entity %s %q (raw %q): extracting %q alone gave %+v", e.Type, e.Value, e.Raw,
			alone, same)
	}
}
