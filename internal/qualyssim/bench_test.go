package qualyssim

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"regexp"
	"testing"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)

	return n, err
}

var benchIDMin = regexp.MustCompile(`id_min=(\d+)`)

// BenchmarkDetectionPull100k pulls every page of a 100,000-host HLD (truncation_limit 1000) over
// HTTP, reading each page as an XML token stream and following WARNING/URL's id_min.
//
//	go test ./internal/qualyssim/ -run '^$' -bench DetectionPull100k -benchtime 3x
func BenchmarkDetectionPull100k(b *testing.B) {
	_, ts, _ := setup(b, Config{Hosts: 100_000})

	var hosts, bytesRead int64

	for b.Loop() {
		idMin := ""

		for {
			url := ts.URL + "/api/5.0/fo/asset/host/vm/detection/?action=list&truncation_limit=1000"
			if idMin != "" {
				url += "&id_min=" + idMin
			}

			req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, url, nil)
			req.SetBasicAuth(DefaultUsername, DefaultPassword)
			req.Header.Set("X-Requested-With", "qlens-bench")

			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatalf("get: %v", err)
			}

			cr := &countingReader{r: resp.Body}
			n, next := scanPage(b, cr)
			resp.Body.Close()

			hosts += n
			bytesRead += cr.n

			if next == "" {
				break
			}

			idMin = next
		}
	}

	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(hosts)/sec, "hosts/s")
	b.ReportMetric(float64(bytesRead)/sec/1e6, "MB/s")
}

// BenchmarkDetectionServe100k measures the server alone: each page's body is read raw and only
// its tail is searched for id_min.
//
//	go test ./internal/qualyssim/ -run '^$' -bench DetectionServe100k -benchtime 3x
func BenchmarkDetectionServe100k(b *testing.B) {
	_, ts, _ := setup(b, Config{Hosts: 100_000})

	var bytesRead int64

	pages := 0

	for b.Loop() {
		idMin := ""

		for {
			url := ts.URL + "/api/5.0/fo/asset/host/vm/detection/?action=list&truncation_limit=1000"
			if idMin != "" {
				url += "&id_min=" + idMin
			}

			req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, url, nil)
			req.SetBasicAuth(DefaultUsername, DefaultPassword)
			req.Header.Set("X-Requested-With", "qlens-bench")

			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatalf("get: %v", err)
			}

			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()

			if err != nil {
				b.Fatalf("read: %v", err)
			}

			bytesRead += int64(len(body))
			pages++

			m := benchIDMin.FindSubmatch(body[max(0, len(body)-2048):])
			if m == nil {
				break
			}

			idMin = string(m[1])
		}
	}

	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)*100_000/sec, "hosts/s")
	b.ReportMetric(float64(bytesRead)/sec/1e6, "MB/s")
	b.ReportMetric(float64(pages)/float64(b.N), "pages/op")
}

// scanPage counts HOST elements and returns the next id_min from WARNING/URL, if any.
func scanPage(b *testing.B, r io.Reader) (int64, string) {
	dec := xml.NewDecoder(r)

	var (
		hosts int64
		inURL bool
		url   bytes.Buffer
	)

	for {
		tok, err := dec.RawToken() // no namespace work; Qualys XML has none
		if errors.Is(err, io.EOF) {
			break
		}

		if err != nil {
			b.Fatalf("decode: %v", err)
		}

		switch el := tok.(type) {
		case xml.StartElement:
			hosts += boolInt(el.Name.Local == "HOST")
			inURL = el.Name.Local == "URL"
		case xml.EndElement:
			inURL = false
		case xml.CharData:
			if inURL {
				url.Write(el)
			}
		}
	}

	if m := benchIDMin.FindSubmatch(url.Bytes()); m != nil {
		return hosts, string(m[1])
	}

	return hosts, ""
}

func boolInt(v bool) int64 {
	if v {
		return 1
	}

	return 0
}
