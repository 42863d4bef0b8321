package extract

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// genCorpus builds a deterministic mixed text of about size bytes: prose, application and
// syslog lines, web-server lines, hex dumps, paths, timestamps, and a sprinkling of every
// indicator type, fanged and defanged. dense drops the prose and application lines, leaving
// log lines that each carry an address (about one indicator per 100 bytes).
func genCorpus(size int, dense bool) []byte {
	r := rand.New(rand.NewPCG(7, 42))
	words := []string{"the", "server", "reported", "an", "error", "while", "connecting", "to",
		"upstream", "after", "retrying", "request", "failed", "user", "session", "token",
		"expired", "analyst", "ticket", "escalated", "because", "of", "suspicious", "traffic",
		"from", "host", "version", "System.IO", "e.g.", "config.yaml", "12:00", "v2.1.3"}
	ip := func() string {
		return fmt.Sprintf("%d.%d.%d.%d", r.IntN(223)+1, r.IntN(256), r.IntN(256), r.IntN(256))
	}
	domains := []string{"example.com", "cdn.example.net", "login.evil-corp.ru", "mail.google.com",
		"update.microsoft.com", "files.example.co.uk"}

	var b bytes.Buffer
	for b.Len() < size {
		kind := r.IntN(10)
		if !dense {
			switch r.IntN(20) {
			case 0, 1, 2, 3, 4, 5, 6, 7, 8:
				kind = 5 // prose
			case 9, 10, 11:
				fmt.Fprintf(&b, "2025-11-12 10:%02d:%02d.%03d INFO [worker-%d] com.example.billing."+
					"InvoiceHandler: processed %d items in %dms (queue=%d, retries=%d)\n",
					r.IntN(60), r.IntN(60), r.IntN(1000), r.IntN(16), r.IntN(500), r.IntN(900),
					r.IntN(64), r.IntN(4))
				continue
			}
		}
		switch kind {
		case 0, 1, 2:
			fmt.Fprintf(&b, "2025-11-%02dT%02d:%02d:%02d.%03dZ sshd[%d]: Failed password for %s "+
				"from %s port %d ssh2\n", r.IntN(28)+1, r.IntN(24), r.IntN(60), r.IntN(60),
				r.IntN(1000), r.IntN(65535), words[r.IntN(len(words))], ip(), r.IntN(65535))
		case 3, 4:
			fmt.Fprintf(&b, "%s - - [12/Nov/2025:10:%02d:%02d +0000] \"GET /var/www/%s/index.php"+
				"?id=%d HTTP/1.1\" 200 %d \"https://%s/ref\" \"Mozilla/5.0\"\n", ip(),
				r.IntN(60), r.IntN(60), domains[r.IntN(len(domains))], r.IntN(1e6),
				r.IntN(1e5), domains[r.IntN(len(domains))])
		case 5, 6:
			for range 12 + r.IntN(60) {
				b.WriteString(words[r.IntN(len(words))])
				b.WriteByte(' ')
			}
			b.WriteString("end.\n")
		case 7:
			for range 4 {
				fmt.Fprintf(&b, "%08x: %016x %016x  |................|\n", r.IntN(1<<30),
					r.Uint64(), r.Uint64())
			}
		case 8:
			fmt.Fprintf(&b, "Alert: CVE-2021-%d and QID: %d on %s (2001:db8:%x::%x), "+
				"C2 hxxps://bad%d[.]example[.]org/x, mail admin@corp%d.com.\n",
				40000+r.IntN(9999), 10000+r.IntN(90000), ip(), r.IntN(65535), r.IntN(65535),
				r.IntN(100), r.IntN(100))
		default:
			fmt.Fprintf(&b, "C:\\Windows\\System32\\drivers\\etc\\hosts mac 00:1a:2b:%02x:4d:5e "+
				"fe80::%x%%eth0 sha256=%016x%016x file report_%d.pdf setup.exe\n", r.IntN(256),
				r.IntN(65535), r.Uint64(), r.Uint64(), r.IntN(100))
		}
	}

	return b.Bytes()
}

// BenchmarkExtract measures all built-in types together on a 4 MiB mixed corpus. Run with:
// go test -run '^$' -bench BenchmarkExtract -benchtime 3x ./internal/extract/
func BenchmarkExtract(b *testing.B) {
	text := genCorpus(4<<20, false)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Extract(text)
	}
}

// BenchmarkExtractDenseLogs measures log lines only, with an address on every line: the
// candidate validation and grouping dominate here, not the byte loop.
func BenchmarkExtractDenseLogs(b *testing.B) {
	text := genCorpus(4<<20, true)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Extract(text)
	}
}

// BenchmarkExtractProse measures text with few candidates: the cost of the byte loop itself.
func BenchmarkExtractProse(b *testing.B) {
	text := bytes.Repeat([]byte("The quick brown fox jumps over the lazy dog, again and again. "), 1<<16)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Extract(text)
	}
}

// TestExtractAllocations bounds allocations: they follow the entities found, never the bytes.
func TestExtractAllocations(t *testing.T) {
	text := genCorpus(256<<10, true)
	entities := Extract(text)
	allocs := testing.AllocsPerRun(3, func() { Extract(text) })

	// Each distinct entity costs its key, raw string and span slice, plus a few growing slices
	// per call; the text has thousands of words, so per-word allocation would blow this bound.
	bound := float64(8*len(entities) + 200)
	if allocs > bound {
		t.Errorf("Extract allocated %.0f times for %d entities in %d bytes; want <= %.0f",
			allocs, len(entities), len(text), bound)
	}

	prose := bytes.Repeat([]byte("no indicators in this sentence at all, just words. "), 5000)
	if allocs := testing.AllocsPerRun(3, func() { Extract(prose) }); allocs > 2 {
		t.Errorf("Extract on prose allocated %.0f times; want <= 2", allocs)
	}
}
