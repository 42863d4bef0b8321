package server

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Audit actions.
const (
	ActionScanLaunch    = "scan.launch"
	ActionOptionsChange = "options.change"
)

// AuditEntry is one line of the audit log: who did what, when, and how it went. It never holds
// a secret's value: a password change is recorded as the key name "password" only.
type AuditEntry struct {
	Time      time.Time `json:"time"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	IP        string    `json:"ip,omitempty"`
	Ref       string    `json:"ref,omitempty"`
	Keys      []string  `json:"keys,omitempty"`
	Result    string    `json:"result"`
	Message   string    `json:"message,omitempty"`
	RequestID string    `json:"requestId,omitempty"`
}

func auditPath(dir string) string { return filepath.Join(dir, "audit.log") }

// auditLog appends JSON lines to a file: O_APPEND, one write per record, fsync per record. A
// crash mid-write loses at most the partial last line, which the reader skips.
//
// TODO: mu orders the writers of one process only. Two servers sharing a data directory may
// both repair a torn last line (an extra empty line, harmless), and on a network file system
// their O_APPEND writes may interleave. An flock around append removes this.
type auditLog struct {
	path string
	now  func() time.Time
	mu   sync.Mutex
}

// append writes one entry durably. If the file ends in a torn line (a crash mid-write), the
// record starts with a newline so it stays readable.
func (a *auditLog) append(e AuditEntry) error {
	if e.Time.IsZero() {
		e.Time = a.now().UTC()
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode audit entry: %w", err)
	}

	a.mu.Lock()
	defer a.mu.Unlock()

	f, err := os.OpenFile(a.path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open audit log: %w", err)
	}
	defer f.Close()

	torn, empty, err := endsTorn(f)
	if err != nil {
		return err
	}
	line := make([]byte, 0, len(raw)+2)
	if torn {
		line = append(line, '\n')
	}
	line = append(append(line, raw...), '\n')

	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync audit log: %w", err)
	}
	if empty {
		// The first record may have created the file: its directory entry must last too.
		return syncDir(filepath.Dir(a.path))
	}

	return nil
}

// endsTorn reports whether a non-empty file's last byte is not a newline, and whether the file
// is empty.
func endsTorn(f *os.File) (torn, empty bool, err error) {
	st, err := f.Stat()
	if err != nil {
		return false, false, fmt.Errorf("stat audit log: %w", err)
	}
	if st.Size() == 0 {
		return false, true, nil
	}

	var last [1]byte
	if _, err := f.ReadAt(last[:], st.Size()-1); err != nil {
		return false, false, fmt.Errorf("read audit log: %w", err)
	}

	return last[0] != '\n', false, nil
}

// read returns the newest limit entries, newest first, and how many lines it skipped because
// they were torn or corrupt. A missing file is an empty log.
func (a *auditLog) read(limit int) ([]AuditEntry, int, error) {
	f, err := os.Open(a.path)
	if errors.Is(err, os.ErrNotExist) {
		return []AuditEntry{}, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("open audit log: %w", err)
	}
	defer f.Close()

	ring := make([]AuditEntry, 0, limit)
	next, skipped := 0, 0
	br := bufio.NewReader(f)

	for {
		line, err := br.ReadBytes('\n')
		complete := err == nil
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, 0, fmt.Errorf("read audit log: %w", err)
		}

		var e AuditEntry
		switch {
		case len(line) == 0:
		case len(line) == 1 && complete:
			// the newline a writer adds after a torn line
		case !complete || json.Unmarshal(line, &e) != nil:
			skipped++
		case len(ring) < limit:
			ring = append(ring, e)
		default:
			ring[next] = e
			next = (next + 1) % limit
		}
		if !complete {
			break
		}
	}

	out := make([]AuditEntry, 0, len(ring))
	for i := range ring {
		out = append(out, ring[(next+len(ring)-1-i)%len(ring)])
	}

	return out, skipped, nil
}
