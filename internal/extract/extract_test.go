package extract

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// brief renders entities as "type value" (plus " skip=reason"), the shape the table tests pin.
func brief(entities []Entity) []string {
	out := []string{}
	for _, e := range entities {
		s := string(e.Type) + " " + e.Value
		if e.Skip != "" {
			s += " skip=" + e.Skip
		}
		out = append(out, s)
	}

	return out
}

type extractCase struct {
	name string
	in   string
	want []string
}

func runCases(t *testing.T, x *Extractor, cases []extractCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := brief(x.Extract([]byte(tc.in)))
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Extract(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// TestExtractIPv4 covers entities.md §6, IPv4. Deliberate differences from §6: there is no
// defanged flag (Raw keeps the defanged text, see TestExtractSpans), and only unspecified,
// broadcast, loopback and multicast addresses are skipped; CGNAT, documentation and private
// ranges are looked up, as a Qualys subscription may well scan them (DESIGN.md §5: skip is set
// only when no lookup is made).
func TestExtractIPv4(t *testing.T) {
	t.Parallel()
	runCases(t, defaultExtractor, []extractCase{
		{"sentence_end", "Blocked 1.1.1.1.", []string{"IPv4 1.1.1.1"}},
		{"parentheses", "(8.8.8.8)", []string{"IPv4 8.8.8.8"}},
		{"quoted_comma", `"8.8.8.8",`, []string{"IPv4 8.8.8.8"}},
		{"port", "8.8.8.8:53", []string{"IPv4 8.8.8.8"}},
		{"range", "192.168.0.1-192.168.0.20", []string{"IPv4 192.168.0.1", "IPv4 192.168.0.20"}},
		{"defang_brackets", "8[.]8[.]8[.]8", []string{"IPv4 8.8.8.8"}},
		{"defang_partial", "8.8.8[.]8", []string{"IPv4 8.8.8.8"}},
		{"defang_parens", "8(.)8(.)8(.)8", []string{"IPv4 8.8.8.8"}},
		{"defang_upper_dot", "192[DOT]95[DOT]42[DOT]205", []string{"IPv4 192.95.42.205"}},
		{"version_string", "engine v2.1.1.108", nil},
		{"letter_before", "a1.2.3.4", nil},
		{"letter_after", "1.2.3.4a", nil},
		{"five_octets", "1.2.3.4.5", nil},
		{"windows_build", "10.0.19041.1", nil},
		{"five_octets_two_digit", "11.22.33.44.55", nil},
		{"octet_too_big", "192.168.1.256", nil},
		{"long_octet", "1.2.3.4567", nil},
		{"leading_zeros", "010.001.001.001", nil},
		{"short_form", "127.1", nil},
		{"cidr", "1.1.1.1/24", nil},
		{"cidr_32", "10.0.0.1/32", nil},
		{"prefix_too_long_is_not_cidr", "1.2.3.4/33", []string{"IPv4 1.2.3.4"}},
		{"url_path_is_not_cidr", "http://1.2.3.4/index.html", []string{"IPv4 1.2.3.4"}},
		{"url_path_of_digits_is_not_cidr", "http://1.2.3.4/24", []string{"IPv4 1.2.3.4"}},
		{"userinfo_host_is_not_cidr", "ftp://u:pw@1.2.3.4/24", []string{"IPv4 1.2.3.4"}},
		{"spaced_range", "10.0.0.1 - 10.0.0.9", []string{"IPv4 10.0.0.1", "IPv4 10.0.0.9"}},
		{"defang_padded", "8.8.8 [.] 8", []string{"IPv4 8.8.8.8"}},
		{"full_width", "１９２．１６８．０．１", []string{"IPv4 192.168.0.1"}},
		{"japanese_neighbours", "サーバー192.168.1.1に接続", []string{"IPv4 192.168.1.1"}},
		{"korean_particle", "192.168.1.1에서 차단", []string{"IPv4 192.168.1.1"}},
		{"latin_letter_before", "é1.2.3.4", nil},
		{"unspecified", "0.0.0.0", []string{"IPv4 0.0.0.0 skip=unspecified"}},
		{"loopback", "127.0.0.1 127.8.9.10", []string{"IPv4 127.0.0.1 skip=loopback",
			"IPv4 127.8.9.10 skip=loopback"}},
		{"broadcast", "255.255.255.255", []string{"IPv4 255.255.255.255 skip=broadcast"}},
		{"multicast", "224.0.0.1", []string{"IPv4 224.0.0.1 skip=multicast"}},
		{"private_is_looked_up", "10.1.2.3 192.168.1.1", []string{"IPv4 10.1.2.3",
			"IPv4 192.168.1.1"}},
		{"cgnat_is_looked_up", "100.64.0.1", []string{"IPv4 100.64.0.1"}},
		{"documentation_is_looked_up", "192.0.2.5", []string{"IPv4 192.0.2.5"}},
		{"version_word_ambiguity", "Version 1.2.3.4", []string{"IPv4 1.2.3.4"}},
		{"after_at", "a@1.1.1.1", []string{"IPv4 1.1.1.1"}},
		{"in_defanged_url", "http[:]//118.184.48[.]95:8000/info.vbs", []string{"IPv4 118.184.48.95"}},
	})
}

// TestExtractIPv6 covers entities.md §6, IPv6. Deliberate differences from §6: the zone is
// dropped, not recorded (the JSON contract has no field for it); link-local and documentation
// addresses are looked up, not flagged; and ::ffff:a.b.c.d is reported as the IPv4 address
// only, as Qualys tracks that host by its IPv4 address (no mappedIPv4 field).
func TestExtractIPv6(t *testing.T) {
	t.Parallel()
	runCases(t, defaultExtractor, []extractCase{
		{"documentation", "2001:db8::1", []string{"IPv6 2001:db8::1"}},
		{"bracket_port", "[2001:db8::1]:443", []string{"IPv6 2001:db8::1"}},
		{"label_prefix", "ip6:2001:db8::1", []string{"IPv6 2001:db8::1"}},
		{"expanded_upper", "2001:0DB8:0000:0000:0000:0000:0000:0001", []string{"IPv6 2001:db8::1"}},
		{"trailing_double_colon", "dead:beef::", []string{"IPv6 dead:beef::"}},
		{"zone_stripped", "fe80::1%eth0", []string{"IPv6 fe80::1"}},
		{"zone_url_escaped", "[2001:db8:a0b:12f0::1%25eth0]:21", []string{"IPv6 2001:db8:a0b:12f0::1"}},
		{"mapped_ipv4_unmapped", "::ffff:192.0.2.128", []string{"IPv4 192.0.2.128"}},
		{"cidr", "2001:db8::1/64", nil},
		{"cidr_128", "2001:db8::1/128", nil},
		{"prefix_too_long_is_not_cidr", "2001:db8::1/129", []string{"IPv6 2001:db8::1"}},
		{"clause_colon", "from 2001:db8::1: refused", []string{"IPv6 2001:db8::1"}},
		{"clause_colon_label", "src:fe80::1:", []string{"IPv6 fe80::1"}},
		{"time_clause_colon", "at 12:34:56: done", nil},
		{"sentence_end", "Reach 2001:db8::2.", []string{"IPv6 2001:db8::2"}},
		{"loopback", "::1", []string{"IPv6 ::1 skip=loopback"}},
		{"unspecified_long_form", "0:0:0:0:0:0:0:0", []string{"IPv6 :: skip=unspecified"}},
		{"multicast", "ff02::1:2", []string{"IPv6 ff02::1:2 skip=multicast"}},
		{"time", "at 12:34:56", nil},
		{"time_utc", "23:06:41 UTC", nil},
		{"mac", "00:1A:2B:3C:4D:5E", nil},
		{"ssh_fingerprint", "43:51:43:a1:b5:fc:8b:b7:0a:3a:a9:b1:0f:66:73:a8:9c:c2:7e:42", nil},
		{"cpp_scope", "std::string", nil},
		{"too_short", "a::b", nil},
		{"double_scope", "Foo::Bar::baz()", nil},
		{"bare_double_colon", "Home :: Products", nil},
	})
}

// TestExtractDomain covers entities.md §6, domains. user@example.com gives the domain (§6 leaves
// it optional): the lookup wants the host, and qlens has no e-mail type.
func TestExtractDomain(t *testing.T) {
	t.Parallel()
	runCases(t, defaultExtractor, []extractCase{
		{"trailing_dot", "example.com.", []string{"domain example.com"}},
		{"upper_case", "EXAMPLE.COM", []string{"domain example.com"}},
		{"defang_brackets", "example[.]com", []string{"domain example.com"}},
		{"defang_parens", "example(.)com", []string{"domain example.com"}},
		{"defang_word", "example[dot]com", []string{"domain example.com"}},
		{"defang_braces", "hxxps://revcode{.}eu/", []string{"domain revcode.eu"}},
		{"defang_backslash", `example\.org`, []string{"domain example.org"}},
		{"defang_padded", "intelreports (at) kaspersky [dot] com", []string{"domain kaspersky.com"}},
		{"defang_padded_parens", "evil (.) example [.] com", []string{"domain evil.example.com"}},
		{"defang_padded_file_tld", "invoice [.] zip", []string{"domain invoice.zip"}},
		{"defang_padded_two_spaces", "evil  [dot] com and evil [dot]  com", nil},
		{"defang_half_padded", "evil [dot]com evil[dot] com", nil},
		{"full_width", "ｅｘａｍｐｌｅ．ｃｏｍ", []string{"domain example.com"}},
		{"full_width_dot", "example．com", []string{"domain example.com"}},
		{"japanese_neighbours", "接続先はexample.comです", []string{"domain example.com"}},
		{"japanese_full_stop", "詳細はexample.com。", []string{"domain example.com"}},
		{"thai_neighbours", "คลิกexample.comนะ", []string{"domain example.com"}},
		{"japanese_idn", "例え.jp", []string{"domain xn--r8jz45g.jp"}},
		{"defanged_url", "hxxps://evil[.]example[.]com/x", []string{"domain evil.example.com"}},
		{"defanged_file_tld", "invoice[.]zip", []string{"domain invoice.zip"}},
		{"file_tld_in_url", "http://invoice.zip/", []string{"domain invoice.zip"}},
		{"file_tld_in_email", "bob@invoice.zip", []string{"domain invoice.zip"}},
		{"psl_two_level", "www.example.co.uk", []string{"domain www.example.co.uk"}},
		{"underscore_subdomain", "sub_domain.example.com", []string{"domain sub_domain.example.com"}},
		{"idn", "пример.рф", []string{"domain xn--e1afmkfd.xn--p1ai"}},
		{"not_email", "news.ycombinator.com", []string{"domain news.ycombinator.com"}},
		{"bare_at_is_no_defang", "failed at 0day[dot]rocks", []string{"domain 0day.rocks"}},
		{"email_domain", "user@example.com", []string{"domain example.com"}},
		{"email_local_part_dotted", "first.last@example.com", []string{"domain example.com"}},
		{"protocol_relative", "//cdn.example.com/x", []string{"domain cdn.example.com"}},
		{"code_ambiguity", "System.IO", []string{"domain system.io"}},
		{"private_suffix", "x.blogspot.com", []string{"domain x.blogspot.com"}},
		{"port", "example.com:8443", []string{"domain example.com"}},
		{"ellipsis_after", "see example.com...", []string{"domain example.com"}},
		{"pdf", "report.pdf", nil},
		{"exe", "setup.exe", nil},
		{"zip_file", "invoice.zip", nil},
		{"python_file", "script.py", nil},
		{"markdown_file", "readme.md", nil},
		{"shell_file", "install.sh", nil},
		{"terraform_file", "main.tf", nil},
		{"java_file", "Main.java", nil},
		{"code_path", "System.IO.File", nil},
		{"bare_suffix", "co.uk", nil},
		{"unknown_tld", "foo.notatld", nil},
		{"js_property", "window.location", nil},
		{"leading_hyphen", "-bad.com", nil},
		{"empty_label", "a..b.com", nil},
		{"long_label", strings.Repeat("a", 64) + ".com", nil},
		{"long_name", strings.Repeat("abcdefghi.", 25) + "abc.com", nil},
		{"name_253", name253, []string{"domain " + name253}},
		{"name_254", "x" + name253, nil},
		{"abbreviations", "e.g. i.e. U.S.", nil},
		{"av_signature", "W64/BURNTCIGAR.CA!tr", nil},
		{"file_path", "/var/www/example.com/index.php", nil},
		{"sentence_join", "the end.The next", nil},
		{"underscore_registrable", "stix_import.com", nil},
		{"url_escape", "%2Fexample.com", nil},
	})
}

// name253 is a valid name of exactly 253 bytes, the longest allowed.
var name253 = strings.Repeat(strings.Repeat("a", 62)+".", 3) + strings.Repeat("d", 60) + ".com"

// TestExtractCVE covers entities.md §6, CVE IDs (the two occurrences of one ID are pinned by
// TestExtractSpans).
func TestExtractCVE(t *testing.T) {
	t.Parallel()
	runCases(t, defaultExtractor, []extractCase{
		{"two_cases_one_entity", "CVE-2021-44228 and cve-2021-44228", []string{"cve CVE-2021-44228"}},
		{"leading_zero_four_digits", "CVE-2014-0001", []string{"cve CVE-2014-0001"}},
		{"seven_digits_not_truncated", "CVE-2021-1234567", []string{"cve CVE-2021-1234567"}},
		{"en_dash", "CVE–2021–44231", []string{"cve CVE-2021-44231"}},
		{"unicode_hyphen", "CVE\u20102021\u201044232", []string{"cve CVE-2021-44232"}},
		{"minus_sign", "CVE\u22122021\u221244233", []string{"cve CVE-2021-44233"}},
		{"nineteen_digits", "CVE-2021-1234567890123456789",
			[]string{"cve CVE-2021-1234567890123456789"}},
		{"japanese_neighbours", "脆弱性CVE-2021-44228について", []string{"cve CVE-2021-44228"}},
		{"latin_letter_before", "éCVE-2021-44228", nil},
		{"latin_letter_and_hyphen_before", "é-CVE-2021-44228", []string{"cve CVE-2021-44228"}},
		{"in_url", "https://nvd.nist.gov/vuln/detail/CVE-2021-44228.", []string{"domain nvd.nist.gov",
			"cve CVE-2021-44228"}},
		{"leading_zero_five_digits", "CVE-2014-00001", nil},
		{"three_digits", "CVE-2021-123", nil},
		{"two_digit_year", "CVE-21-1234", nil},
		{"twenty_digits", "CVE-2021-12345678901234567890", nil},
		{"letter_before", "XCVE-2021-44230", nil},
		{"letters_after", "CVE-2021-44228abc", nil},
		{"space_separator", "CVE 2021-44229", nil},
		{"year_too_early", "CVE-1998-1234", nil},
	})
}

// TestExtractCVEYears pins the year window, 1999 to next year, which moves with the clock.
func TestExtractCVEYears(t *testing.T) {
	t.Parallel()
	next := time.Now().Year() + 1
	runCases(t, defaultExtractor, []extractCase{
		{"next_year", fmt.Sprintf("CVE-%d-1234", next),
			[]string{fmt.Sprintf("cve CVE-%d-1234", next)}},
		{"year_after_next", fmt.Sprintf("CVE-%d-1234", next+1), nil},
	})
}

// TestExtractSpans pins Raw and the byte spans, which cover the text as written: defang tokens
// with their padding, full-width forms, zones.
func TestExtractSpans(t *testing.T) {
	t.Parallel()
	text := "8[.]8[.]8[.]8 then 8.8.8.8, QID: 42 and qid 42; fe80::1%eth0 " +
		"CVE-2021-44228 cve-2021-44228 kaspersky [dot] com ｅｘ．ｃｏｍ 詳細はexample.org。"
	got := Extract([]byte(text))
	want := []Entity{
		{Type: IPv4, Value: "8.8.8.8", Raw: "8[.]8[.]8[.]8", Spans: []Span{{0, 13}, {19, 26}}},
		{Type: QID, Value: "42", Raw: "QID: 42", Spans: []Span{{28, 35}, {40, 46}}},
		{Type: IPv6, Value: "fe80::1", Raw: "fe80::1%eth0", Spans: []Span{{48, 60}}},
		{Type: CVE, Value: "CVE-2021-44228", Raw: "CVE-2021-44228", Spans: []Span{{61, 75}, {76, 90}}},
		{Type: Domain, Value: "kaspersky.com", Raw: "kaspersky [dot] com", Spans: []Span{{91, 110}}},
		{Type: Domain, Value: "ex.com", Raw: "ｅｘ．ｃｏｍ", Spans: []Span{{111, 129}}},
		{Type: Domain, Value: "example.org", Raw: "example.org", Spans: []Span{{139, 150}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Extract mismatch (-want +got):\n%s", diff)
	}
}

func TestExtractInvalidUTF8KeepsOffsets(t *testing.T) {
	t.Parallel()
	text := []byte("\xff\xfe bad \xc3 1.2.3.4 \xe2\x80 evil.com\xff")
	got := Extract(text)
	want := []Entity{
		{Type: IPv4, Value: "1.2.3.4", Raw: "1.2.3.4", Spans: []Span{{9, 16}}},
		{Type: Domain, Value: "evil.com", Raw: "evil.com", Spans: []Span{{20, 28}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Extract mismatch (-want +got):\n%s", diff)
	}
}

// TestExtractInvalidUTF8NearIndicators puts broken sequences where the scanner decodes runes:
// truncated full-width forms, dashes and no-break spaces, and bytes around defangs and script
// changes. An invalid byte reads as U+FFFD would: no letter, so it ends a word.
func TestExtractInvalidUTF8NearIndicators(t *testing.T) {
	t.Parallel()
	runCases(t, defaultExtractor, []extractCase{
		{"truncated_full_width_after_ip", "1.2.3.4\xef\xbc", []string{"IPv4 1.2.3.4"}},
		{"truncated_full_width_dot", "evil\xef\xbccom", nil},
		{"full_width_prefix_then_ascii", "\xef\xbc1.2.3.4", []string{"IPv4 1.2.3.4"}},
		{"truncated_cjk_before_ip", "\xe4\xbe1.2.3.4", []string{"IPv4 1.2.3.4"}},
		{"invalid_inside_label", "ev\xffil.com", []string{"domain il.com"}},
		{"invalid_before_padded_defang", "evil\xff [dot] com", nil},
		{"invalid_after_padded_defang", "evil [dot] \xffcom", nil},
		{"truncated_dash_in_cve", "CVE\xe2\x80-2021-1234", nil},
		{"truncated_nbsp_in_qid", "QID\xc2 5", nil},
		{"invalid_after_cve", "CVE-2021-1234\xe2\x80", []string{"cve CVE-2021-1234"}},
		{"invalid_between_cjk_and_domain", "例\xffexample.com", []string{"domain example.com"}},
	})
}

func TestExtractOverlaps(t *testing.T) {
	t.Parallel()
	runCases(t, defaultExtractor, []extractCase{
		{"ip_in_url", "http://10.0.0.5:8080/admin", []string{"IPv4 10.0.0.5"}},
		{"domain_in_url", "https://user:pw@portal.example.org/login", []string{"domain portal.example.org"}},
		{"cve_inside_name_longest_wins", "cve-2021-44228.example.com", []string{"domain cve-2021-44228.example.com"}},
		{"qid_digits_not_ip", "QID 38623 on 10.1.1.1", []string{"qid 38623", "IPv4 10.1.1.1"}},
		{"qid_inside_word", "MYQID12345 QID12345X", nil},
		{"empty_input", "", nil},
	})
}
