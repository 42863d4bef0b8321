package qualys

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// benchHosts × benchDetections detections of ~840 bytes make a page of about 135 MB, the
// size STYLE.md measured parsers with.
const (
	benchHosts      = 8000
	benchDetections = 20
	maxPeakHeapMB   = 32 // peak HeapInuse allowed while streaming the page
)

// pageGen streams a deterministic HOST_LIST_VM_DETECTION_OUTPUT page host by host, so the
// benchmark input does not sit in the heap it measures.
type pageGen struct {
	hosts, dets int
	next        int // next host index; hosts+1 once the tail is out
	buf         []byte
	off         int
	total       int64
}

func newPageGen(hosts, dets int) *pageGen {
	g := &pageGen{hosts: hosts, dets: dets}
	g.buf = append(g.buf, `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE HOST_LIST_VM_DETECTION_OUTPUT SYSTEM "https://qualysapi.example.test/api/5.0/fo/asset/host/vm/detection/dtd/output.dtd">
<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><DATETIME>2025-03-04T10:00:00Z</DATETIME><HOST_LIST>
`...)

	return g
}

func (g *pageGen) Read(p []byte) (int, error) {
	for g.off == len(g.buf) {
		g.buf, g.off = g.buf[:0], 0

		switch {
		case g.next < g.hosts:
			g.buf = g.appendHost(g.buf, g.next)
		case g.next == g.hosts:
			g.buf = append(g.buf, "</HOST_LIST><WARNING><CODE>1980</CODE><TEXT>limit</TEXT>"+
				"<URL><![CDATA[https://qualysapi.example.test/api/5.0/fo/asset/host/vm/detection/"+
				"?action=list&id_min=999999999]]></URL></WARNING></RESPONSE>"+
				"</HOST_LIST_VM_DETECTION_OUTPUT>\n"...)
		default:
			return 0, io.EOF
		}

		g.next++
	}

	n := copy(p, g.buf[g.off:])
	g.off += n
	g.total += int64(n)

	return n, nil
}

func (g *pageGen) appendHost(b []byte, i int) []byte {
	id := strconv.Itoa(100000 + i)
	b = append(b, "<HOST><ID>"+id+"</ID><ASSET_ID>"+id+"</ASSET_ID><IP>10."...)
	b = strconv.AppendInt(b, int64(i/65536%256), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(i/256%256), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(i%256), 10)
	b = append(b, "</IP><TRACKING_METHOD>IP</TRACKING_METHOD>\n<OS>\n  <![CDATA[Linux 5.15]]>\n</OS>"+
		"<DNS><![CDATA[host"+id+".corp.example]]></DNS><DNS_DATA><HOSTNAME><![CDATA[host"+id+
		"]]></HOSTNAME><FQDN><![CDATA[host"+id+".corp.example]]></FQDN></DNS_DATA>"+
		"<LAST_SCAN_DATETIME>2025-03-01T08:15:00Z</LAST_SCAN_DATETIME><DETECTION_LIST>\n"...)

	for d := range g.dets {
		qid := strconv.Itoa(38000 + (i*7+d*13)%5000)
		b = append(b, "<DETECTION><UNIQUE_VULN_ID>"+id+qid+"</UNIQUE_VULN_ID><QID>"+qid+
			"</QID><TYPE>Confirmed</TYPE><SEVERITY>"+strconv.Itoa(1+d%5)+"</SEVERITY>"+
			"<PORT>443</PORT><PROTOCOL>tcp</PROTOCOL><SSL>1</SSL><RESULTS><![CDATA[Package "+
			"Installed Version Required Version\nopenssl 3.0.2-0ubuntu1.10 3.0.2-0ubuntu1.15\n"+
			"libssl3 3.0.2-0ubuntu1.10 3.0.2-0ubuntu1.15 &quot;security&quot;]]></RESULTS>"+
			"<STATUS>Active</STATUS><FIRST_FOUND_DATETIME>2024-11-02T01:02:03Z"+
			"</FIRST_FOUND_DATETIME><LAST_FOUND_DATETIME>2025-03-01T08:15:00Z"+
			"</LAST_FOUND_DATETIME><QDS severity=\"HIGH\">72</QDS><QDS_FACTORS><QDS_FACTOR "+
			"name=\"CVSS\"><![CDATA[7.5]]></QDS_FACTOR><QDS_FACTOR name=\"epss\"><![CDATA["+
			"0.00052]]></QDS_FACTOR></QDS_FACTORS><TIMES_FOUND>12</TIMES_FOUND>"+
			"<LAST_TEST_DATETIME>2025-03-01T08:15:00Z</LAST_TEST_DATETIME><IS_IGNORED>0"+
			"</IS_IGNORED><IS_DISABLED>0</IS_DISABLED></DETECTION>\n"...)
	}

	return append(b, "</DETECTION_LIST></HOST>\n"...)
}

// pageSize is the generated page's length in bytes.
func pageSize(hosts, dets int) int64 {
	n, _ := io.Copy(io.Discard, newPageGen(hosts, dets))

	return n
}

// heapPeak samples HeapInuse until stop is called and returns the largest value seen.
func heapPeak() (stop func() uint64) {
	var (
		peak atomic.Uint64
		wg   sync.WaitGroup
	)

	done := make(chan struct{})
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)

		if ms.HeapInuse > peak.Load() {
			peak.Store(ms.HeapInuse)
		}
	}

	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()

		for {
			select {
			case <-done:
				return
			case <-t.C:
				sample()
			}
		}
	})

	return func() uint64 {
		close(done)
		wg.Wait()
		sample()

		return peak.Load()
	}
}

// BenchmarkDecodeDetectionPage streams a ~135 MB page through the client's parser and, for
// comparison, decodes the same page into one struct tree (what xml2js-style integrations
// do). Reported: MB/s and peak_heap_MB (largest HeapInuse sampled during the run).
//
//	go test ./internal/qualys/ -run '^$' -bench DecodeDetectionPage -benchtime 2x -benchmem
func BenchmarkDecodeDetectionPage(b *testing.B) {
	size := pageSize(benchHosts, benchDetections)

	b.Run("stream_per_host", func(b *testing.B) {
		b.SetBytes(size)
		runtime.GC()

		stop := heapPeak()

		var hosts, dets int
		for b.Loop() {
			hosts, dets = 0, 0
			_, err := decodeDetectionPage(context.Background(), newPageGen(benchHosts,
				benchDetections), 0, func(h Host) error {
				hosts++
				dets += len(h.Detections)

				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}

		peak := float64(stop()) / (1 << 20)
		b.ReportMetric(peak, "peak_heap_MB")

		// The requirement: flat memory, under 32 MB whatever the page size.
		if peak >= maxPeakHeapMB {
			b.Errorf("peak heap %.1f MB, want under %d MB", peak, maxPeakHeapMB)
		}

		if hosts != benchHosts || dets != benchHosts*benchDetections {
			b.Fatalf("decoded %d hosts and %d detections", hosts, dets)
		}
	})

	b.Run("whole_document_tree", func(b *testing.B) {
		b.SetBytes(size)
		runtime.GC()

		stop := heapPeak()

		for b.Loop() {
			var doc struct {
				Hosts []rawHost `xml:"RESPONSE>HOST_LIST>HOST"`
			}
			if err := xml.NewDecoder(newPageGen(benchHosts, benchDetections)).Decode(&doc); err != nil {
				b.Fatal(err)
			}

			if len(doc.Hosts) != benchHosts {
				b.Fatalf("decoded %d hosts", len(doc.Hosts))
			}
		}

		b.ReportMetric(float64(stop())/(1<<20), "peak_heap_MB")
	})
}

// BenchmarkDecodeDetectionPageFloor reads the same page with nothing but Decoder.RawToken:
// the ceiling for any decoder built on encoding/xml, which the stream_per_host figure of
// BenchmarkDecodeDetectionPage should be compared with on a busy machine.
func BenchmarkDecodeDetectionPageFloor(b *testing.B) {
	b.SetBytes(pageSize(benchHosts, benchDetections))

	for b.Loop() {
		d := newDecoder(newPageGen(benchHosts, benchDetections))

		for {
			_, err := d.RawToken()
			if errors.Is(err, io.EOF) {
				break
			}

			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestPageGen_is_well_formed keeps the benchmark's generator honest on a small page.
func TestPageGen_is_well_formed(t *testing.T) {
	t.Parallel()

	var got []Host

	info, err := decodeDetectionPage(t.Context(), newPageGen(3, 2), 0, func(h Host) error {
		got = append(got, h)

		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	if len(got) != 3 || len(got[2].Detections) != 2 || got[2].ID != 100002 ||
		info.warning == nil || info.lastID != 100002 {
		t.Errorf("got %d hosts, last %+v, info %+v", len(got), got[len(got)-1], info)
	}

	var buf bytes.Buffer
	if _, err := io.Copy(&buf, newPageGen(1, 1)); err != nil || buf.Len() < 1000 {
		t.Errorf("generator wrote %d bytes, err %v", buf.Len(), err)
	}
}
