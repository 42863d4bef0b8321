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

// FuzzDecodeLaunchLists feeds arbitrary bytes to the option profile and appliance list
// parsers: they must never panic, must emit only entries a launch could name, and succeed
// only on a document with their root.
//
//	go test ./internal/qualys/ -run '^$' -fuzz FuzzDecodeLaunchLists -fuzztime 60s
func FuzzDecodeLaunchLists(f *testing.F) {
	for _, seed := range []string{opTwoProfiles, applianceTwo, opTwoProfiles[:200],
		applianceTwo[:len(applianceTwo)/2], simpleError("2002", "no"), maintenanceHTML, "",
		"<OPTION_PROFILES/>", "<APPLIANCE_LIST_OUTPUT><RESPONSE><APPLIANCE_LIST><APPLIANCE/>" +
			"</APPLIANCE_LIST></RESPONSE></APPLIANCE_LIST_OUTPUT>"} {
		f.Add([]byte(seed))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		err := decodeOptionProfiles(t.Context(), bytes.NewReader(data),
			func(p OptionProfile) error {
				if p.ID == 0 && p.Title == "" {
					t.Fatalf("emitted a profile with neither id nor title: %+v", p)
				}

				return nil
			})
		if err == nil && !strings.Contains(string(data), "OPTION_PROFILES") {
			t.Fatalf("profiles: no error for a document without the root: %q", data)
		}

		_, err = decodeAppliances(t.Context(), bytes.NewReader(data), func(a Appliance) error {
			if a.ID == 0 && a.Name == "" {
				t.Fatalf("emitted an appliance with neither id nor name: %+v", a)
			}

			return nil
		})
		if err == nil && !strings.Contains(string(data), "APPLIANCE_LIST_OUTPUT") {
			t.Fatalf("appliances: no error for a document without the root: %q", data)
		}
	})
}
