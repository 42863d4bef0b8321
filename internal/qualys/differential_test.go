package qualys

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// decodeBoth runs a hand-written decoder and its reflection-based reference on data and
// fails when they disagree on the values emitted or on the error.
func decodeBoth[T any](t *testing.T, data []byte,
	fast, ref func(r io.Reader, emit func(T) error) error) ([]T, error) {
	t.Helper()

	var got, want []T

	gotErr := fast(bytes.NewReader(data), func(v T) error { got = append(got, v); return nil })
	wantErr := ref(bytes.NewReader(data), func(v T) error { want = append(want, v); return nil })

	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("values differ from the reflection decoder (-want +got):\n%s\ninput %q", diff,
			data)
	}

	if errString(gotErr) != errString(wantErr) {
		t.Fatalf("err = %v, the reflection decoder says %v; input %q", gotErr, wantErr, data)
	}

	return got, gotErr
}

func errString(err error) string {
	if err == nil {
		return ""
	}

	return err.Error()
}

// wellFormed reports whether encoding/xml's Token, which checks nesting itself, reads data
// up to the end of its root element without an error.
func wellFormed(data []byte) bool {
	d := newDecoder(bytes.NewReader(data))
	depth := 0

	for {
		tok, err := d.Token()
		if err != nil {
			return false
		}

		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth--; depth == 0 {
				return true
			}
		}
	}
}

// checkDecoders runs every hand-written decoder against its reference on data, and checks
// that no decoder accepts what Token finds malformed.
func checkDecoders(t *testing.T, data []byte) {
	t.Helper()

	_, hostErr := decodeBoth(t, data, func(r io.Reader, emit func(Host) error) error {
		_, err := decodeDetectionPage(t.Context(), r, 0, emit)

		return err
	}, func(r io.Reader, emit func(Host) error) error {
		_, err := referenceDetectionPage(t.Context(), r, emit)

		return err
	})

	_, vulnErr := decodeBoth(t, data, func(r io.Reader, emit func(Vuln) error) error {
		_, err := decodeKBPage(t.Context(), r, 0, emit)

		return err
	}, func(r io.Reader, emit func(Vuln) error) error {
		_, err := referenceKBPage(t.Context(), r, emit)

		return err
	})

	_, scanErr := decodeBoth(t, data, func(r io.Reader, emit func(Scan) error) error {
		return decodeScanList(t.Context(), r, emit)
	}, func(r io.Reader, emit func(Scan) error) error {
		return referenceScanList(t.Context(), r, emit)
	})

	if (hostErr == nil || vulnErr == nil || scanErr == nil) && !wellFormed(data) {
		t.Fatalf("a decoder accepted a document that Token rejects: %q", data)
	}
}

// FuzzDecoders_match_reflection checks the hand-written HOST, VULN and SCAN decoders
// against the DecodeElement ones they replaced, on any input.
//
//	go test ./internal/qualys/ -run '^$' -fuzz FuzzDecoders_match_reflection -fuzztime 60s
func FuzzDecoders_match_reflection(f *testing.F) {
	for _, seed := range differentialSeeds() {
		f.Add([]byte(seed))
	}

	f.Fuzz(checkDecoders)
}

func TestDecoders_match_reflection_on_fixtures(t *testing.T) {
	t.Parallel()

	for _, seed := range differentialSeeds() {
		checkDecoders(t, []byte(seed))
	}
}

// differentialSeeds are the fixtures plus documents that exercise encoding/xml's rules for
// repeated, nested, namespaced and misplaced elements.
func differentialSeeds() []string {
	const (
		hld = `<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST>%s</HOST_LIST></RESPONSE>` +
			`</HOST_LIST_VM_DETECTION_OUTPUT>`
		kb = `<KNOWLEDGE_BASE_VULN_LIST_OUTPUT><RESPONSE><VULN_LIST>%s</VULN_LIST></RESPONSE>` +
			`</KNOWLEDGE_BASE_VULN_LIST_OUTPUT>`
		scans = `<SCAN_LIST_OUTPUT><RESPONSE><SCAN_LIST>%s</SCAN_LIST></RESPONSE>` +
			`</SCAN_LIST_OUTPUT>`
	)

	in := func(doc, body string) string { return strings.Replace(doc, "%s", body, 1) }

	return []string{hldTwoHosts, hldEmpty, kbTwoVulns, hostPage([]int64{1, 2}, 3),
		simpleError("1965", "wait", "SECONDS_TO_WAIT", "5"), scanListEmpty, maintenanceHTML,
		hldTwoHosts[:len(hldTwoHosts)/2], scanListTwo, "", "<",
		// repeated scalars keep the last value; repeated lists add up
		in(hld, `<HOST><ID>1</ID><ID> 2 </ID><IP>a</IP><IP/><DETECTION_LIST><DETECTION>`+
			`<QID>5</QID><QID>6</QID><QDS severity="LOW">1</QDS><QDS>2</QDS><QDS_FACTORS>`+
			`<QDS_FACTOR name="a" name="b">x</QDS_FACTOR></QDS_FACTORS><QDS_FACTORS>`+
			`<QDS_FACTOR>y</QDS_FACTOR></QDS_FACTORS></DETECTION></DETECTION_LIST>`+
			`<DETECTION_LIST><DETECTION><QID>7</QID></DETECTION></DETECTION_LIST></HOST>`),
		// text split by comments, nested elements and entities; prefixes
		in(hld, `<HOST><ID>1<!-- c -->2<x>9</x>3</ID><p:OS xmlns:p="u">A&amp;B</p:OS>`+
			`<DNS_DATA><FQDN>f<![CDATA[&q]]></FQDN></DNS_DATA><DETECTION>`+
			`<QID>1</QID></DETECTION><DETECTION_LIST><X><DETECTION><QID>2</QID></DETECTION>`+
			`</X></DETECTION_LIST></HOST>`),
		// missing and bad keys, odd numbers and times
		in(hld, `<HOST><DETECTION_LIST><DETECTION><QID>x</QID></DETECTION></DETECTION_LIST>`+
			`</HOST>`),
		in(hld, `<HOST><ID>3</ID><LAST_SCAN_DATETIME>2024-02-30T00:00:00Z</LAST_SCAN_DATETIME>`+
			`<LAST_VULN_SCAN_DATETIME>2024-02-29T23:59:59Z</LAST_VULN_SCAN_DATETIME>`+
			`<DETECTION_LIST><DETECTION><QID>+4</QID><PORT>-1</PORT><SEVERITY>9999999999999999999`+
			`</SEVERITY><FIRST_FOUND_DATETIME>2024-01-01T00:00:00.5Z</FIRST_FOUND_DATETIME>`+
			`<LAST_FOUND_DATETIME>2024-01-01</LAST_FOUND_DATETIME><DETECTION/></DETECTION>`+
			`</DETECTION_LIST></HOST>`),
		// malformed inside an item
		in(hld, `<HOST><ID>1</ID><DETECTION_LIST><DETECTION><QID>1</DETECTION>`),
		in(hld, `<HOST><ID>1</ID><a:IP>x</b:IP></HOST>`),
		in(kb, `<VULN><QID>1</QID><CVE_LIST><CVE><ID>cve-1</ID><ID> </ID><ID>cve-2</ID></CVE>`+
			`<ID>cve-3</ID></CVE_LIST><CVSS><BASE>1.5</BASE><BASE>x</BASE></CVSS><CVSS_V3>`+
			`<BASE>7</BASE></CVSS_V3><THREAT_INTELLIGENCE><THREAT_INTEL>a</THREAT_INTEL>`+
			`<X>b</X></THREAT_INTELLIGENCE></VULN><VULN><QID/></VULN>`),
		in(scans, `<SCAN><REF>scan/1</REF><TITLE>t</TITLE><STATUS><STATE>Finished</STATE>`+
			`<SUB_STATE>x</SUB_STATE></STATUS><OPTION_PROFILE><TITLE>op</TITLE></OPTION_PROFILE>`+
			`<LAUNCH_DATETIME>2025-01-01T00:00:00Z</LAUNCH_DATETIME></SCAN><SCAN/>`),
	}
}

// TestDecodeDetectionPage_emitted_hosts_are_not_reused checks the emit contract: a Host
// handed to emit is never changed by the decoding of later hosts.
func TestDecodeDetectionPage_emitted_hosts_are_not_reused(t *testing.T) {
	t.Parallel()

	var got, snapshot []Host

	_, err := decodeDetectionPage(t.Context(), newPageGen(5, 3), 0, func(h Host) error {
		got = append(got, h)

		c := h
		c.Detections = append([]Detection(nil), h.Detections...)

		for i := range c.Detections {
			c.Detections[i].QDSFactors = append([]QDSFactor(nil), h.Detections[i].QDSFactors...)
		}

		snapshot = append(snapshot, c)

		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	if diff := cmp.Diff(snapshot, got); diff != "" {
		t.Errorf("emitted hosts changed afterwards (-at emit +at end):\n%s", diff)
	}
}

func TestDecodeDetectionPage_rejects_malformed_items(t *testing.T) {
	t.Parallel()

	const head = `<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>1</ID>`

	tests := []struct{ name, body, want string }{
		{"mismatched_end_tag", head + `<DETECTION_LIST><DETECTION><QID>1</QID></DETECTION_LIST>`,
			"element <DETECTION> closed by </DETECTION_LIST>"},
		{"mismatched_prefix", head + `<a:IP>x</b:IP>`, "in space a closed by </IP> in space b"},
		{"truncated_in_detection", head + `<DETECTION_LIST><DETECTION><QID>1`, "unexpected EOF"},
		{"truncated_in_cdata", head + `<DETECTION_LIST><DETECTION><RESULTS><![CDATA[x`,
			"unexpected EOF"},
		{"bad_entity", head + `<OS>AT&T</OS>`, "invalid character entity"},
		{"stray_end_tag_after_root", `<HOST_LIST_VM_DETECTION_OUTPUT></X>`, "closed by </X>"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			n := 0

			_, err := decodeDetectionPage(t.Context(), strings.NewReader(tt.body), 0,
				func(Host) error { n++; return nil })

			var syntax *xml.SyntaxError
			if err == nil || !strings.Contains(err.Error(), tt.want) ||
				!errors.As(err, &syntax) || n != 0 {
				t.Errorf("err = %v after %d hosts; want a syntax error with %q and no host",
					err, n, tt.want)
			}
		})
	}
}
