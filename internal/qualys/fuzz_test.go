package qualys

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzDecodeDetectionPage feeds arbitrary bytes to the detection page parser: it must never
// panic, must return an error rather than half-silent success on garbage, and every host it
// emits must carry a parsed ID and a non-nil detection list.
//
//	go test ./internal/qualys/ -run '^$' -fuzz FuzzDecodeDetectionPage -fuzztime 60s
func FuzzDecodeDetectionPage(f *testing.F) {
	for _, seed := range []string{hldTwoHosts, hldEmpty, hostPage([]int64{1, 2}, 3),
		simpleError("1965", "wait", "SECONDS_TO_WAIT", "5"), scanListEmpty, maintenanceHTML,
		hldTwoHosts[:len(hldTwoHosts)/2], "", "<", "<HOST_LIST_VM_DETECTION_OUTPUT/>",
		`<HOST_LIST_VM_DETECTION_OUTPUT><RESPONSE><HOST_LIST><HOST><ID>-1</ID></HOST>` +
			`</HOST_LIST></RESPONSE></HOST_LIST_VM_DETECTION_OUTPUT>`} {
		f.Add([]byte(seed))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		var hosts []Host

		info, err := decodeDetectionPage(t.Context(), bytes.NewReader(data), 0, func(h Host) error {
			hosts = append(hosts, h)

			return nil
		})

		for _, h := range hosts {
			if h.Detections == nil || h.ID < 0 || h.ID > info.lastID {
				t.Fatalf("bad host emitted: %+v (last id %d)", h, info.lastID)
			}
		}

		if err != nil {
			var apiErr *APIError
			if errors.As(err, &apiErr) && apiErr.Code == "" {
				t.Fatalf("APIError without code from an XML body: %v", err)
			}

			return
		}

		// Success needs a well-formed document with the expected root.
		if !strings.Contains(string(data), "HOST_LIST_VM_DETECTION_OUTPUT") {
			t.Fatalf("no error for a document without the expected root: %q", data)
		}
	})
}
