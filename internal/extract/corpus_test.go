package extract

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const corpusDir = "../../../shared/corpora/"

// readCorpus reads a shared corpus file, skipping the test when the corpora are not present.
func readCorpus(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(corpusDir + name)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("corpus %s not present", name)
	}
	if err != nil {
		t.Fatalf("read corpus %s: %v", name, err)
	}

	return data
}

// xiocDisagreements lists the xioc cases where qlens answers differently on purpose.
var xiocDisagreements = map[string]string{
	"-banana.com":             "a leading hyphen is no name (entities.md: -bad.com gives nothing)",
	"www.-banana.com":         "a label starting with '-' is invalid; we never cut a label",
	"www.--banana.com":        "a label starting with '-' is invalid; we never cut a label",
	"1(.)1[.]1 dot 1":         "a bare 'dot' is never a defang, so 1.1.1 is cut short",
	"stix_import.com":         "never cut a label: '_' in the registrable label drops the name",
	"stix_import(.)com":       "never cut a label: '_' in the registrable label drops the name",
	"stix_import(dot)com":     "never cut a label: '_' in the registrable label drops the name",
	"stix_import dot com":     "a bare 'dot' is never a defang",
	"{PHONE_NUMBER}_npki.zip": "never cut a label; a .zip file name needs context",
	"m.facebook.com------- ---------validate---step1.rickytaylk[dot]com": "a label " +
		"starting with '-' is invalid; we never cut a label",
	"bne_DNSTRWIN-LJLV2NKIOKPR1009969912_779542217.shalaghlagh.tk": "never cut a label: " +
		"'_' is allowed left of the registrable name, so the whole name is kept",
	"send email to sales AT zimperium dot com": "bare 'at'/'dot' are never defangs",
	"firstname-lastname..example.com": "an empty label ends a name and what follows is " +
		"no name (entities.md: a..b.com gives nothing)",
	"http://fpw.[com].my/zy":                        "[com] is not a defang token",
	"hXXp://playback.savefrom.biz/video/video1.cab": "video1.cab is a path segment (a file)",
	"2001:db8:a0b:12f0::1/64":                       "an address with a prefix length is a network, not a host",
	"research {@} fireeye DOT COM":                  "a bare 'DOT' is never a defang",
}

type xiocWant struct {
	Domains []string `json:"domains"`
	IP4s    []string `json:"ip4s"`
	IP6s    []string `json:"ip6s"`
}

// TestXiocCorpus runs xioc's case table (domains, IPv4, IPv6) and counts agreement.
func TestXiocCorpus(t *testing.T) {
	t.Parallel()
	var cases map[string]xiocWant
	if err := json.Unmarshal(readCorpus(t, "xioc_tests.json"), &cases); err != nil {
		t.Fatalf("decode xioc_tests.json: %v", err)
	}

	for in := range xiocDisagreements {
		if _, ok := cases[in]; !ok {
			t.Errorf("xiocDisagreements lists %q, which the corpus does not hold", in)
		}
	}

	agree := 0
	for in, want := range cases {
		wantSet := xiocNormalise(want)
		var got []string
		for _, e := range Extract([]byte(in)) {
			got = append(got, string(e.Type)+" "+e.Value)
		}
		slices.Sort(got)

		diff := cmp.Diff(wantSet, got)
		reason, known := xiocDisagreements[in]
		switch {
		case diff == "" && known:
			t.Errorf("xioc case %q now agrees; drop it from xiocDisagreements (%s)", in, reason)
		case diff == "":
			agree++
		case !known:
			t.Errorf("xioc case %q (-xioc +qlens):\n%s", in, diff)
		}
	}
	t.Logf("xioc corpus: %d cases, %d agree, %d known disagreements", len(cases), agree,
		len(xiocDisagreements))
}

// xiocNormalise turns xioc's expectations into sorted "type value" strings in our canonical form.
func xiocNormalise(w xiocWant) []string {
	var out []string
	for _, d := range w.Domains {
		var s scanner
		ascii, _ := s.appendIDN(nil, []byte(d))
		out = append(out, "domain "+string(ascii))
	}
	for _, ip := range w.IP4s {
		out = append(out, "IPv4 "+ip)
	}
	for _, ip := range w.IP6s {
		if a, err := netip.ParseAddr(ip); err == nil {
			ip = a.WithZone("").String()
		}
		out = append(out, "IPv6 "+ip)
	}
	slices.Sort(out)

	return slices.Compact(out)
}

// refangDisagreements lists refang-corpus lines (1-based) where the defanged and fanged forms
// give different indicators, with why. Lines where the only difference is a two-label name with
// a file-extension TLD (ptgp[.]pl vs ptgp.pl) are counted apart: defanging proves intent, so the
// file-name guard lets the defanged form through and stops the bare one (fileGuardOnly).
var refangDisagreements = map[int]string{}

// fileGuardOnly reports whether got is want plus names the file-name guard stops when bare.
func fileGuardOnly(want, got []string) bool {
	extra := slices.DeleteFunc(slices.Clone(got), func(v string) bool {
		return slices.Contains(want, v)
	})
	for _, v := range extra {
		name, ok := strings.CutPrefix(v, "domain ")
		dot := strings.IndexByte(name, '.')
		if !ok || strings.Count(name, ".") != 1 || !fileTLDs[name[dot+1:]] {
			return false
		}
	}

	return len(extra) > 0 && len(got) == len(want)+len(extra)
}

// TestRefangCorpus checks that each defanged line yields the indicators of its fanged twin.
func TestRefangCorpus(t *testing.T) {
	t.Parallel()
	defanged := readLines(readCorpus(t, "iocfanger_sample_text_defanged.txt"))
	fanged := readLines(readCorpus(t, "iocfanger_sample_text_fanged.txt"))
	if len(defanged) != len(fanged) {
		t.Fatalf("corpus lines: %d defanged, %d fanged", len(defanged), len(fanged))
	}

	agree, found, guarded := 0, 0, 0
	for i := range defanged {
		got, want := values(Extract(defanged[i])), values(Extract(fanged[i]))
		found += len(want)
		diff := cmp.Diff(want, got)
		reason, known := refangDisagreements[i+1]
		switch {
		case diff == "" && known:
			t.Errorf("line %d now agrees; drop it from refangDisagreements (%s)", i+1, reason)
		case diff == "":
			agree++
		case fileGuardOnly(want, got):
			guarded++
		case !known:
			t.Errorf("line %d %q (-fanged +defanged):\n%s", i+1, defanged[i], diff)
		}
	}
	t.Logf("refang corpus: %d lines, %d agree, %d differ by the file-name guard only, %d listed; "+
		"%d indicators in the fanged text", len(defanged), agree, guarded, len(refangDisagreements),
		found)
}

func readLines(data []byte) [][]byte {
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}

	return lines
}

func values(entities []Entity) []string {
	out := []string{}
	for _, e := range entities {
		out = append(out, string(e.Type)+" "+strings.ToLower(e.Value))
	}

	return out
}
