package lookup

import (
	"fmt"
	"net/netip"

	"github.com/qlens/qlens/internal/config"
	"github.com/qlens/qlens/internal/extract"
)

// IgnoreList is the admin's list of addresses, ranges and domains that are never looked up.
type IgnoreList []config.Ignore

// NewIgnoreList parses the entries of the ignore option.
func NewIgnoreList(entries []string) (IgnoreList, error) {
	list := make(IgnoreList, 0, len(entries))
	for _, entry := range entries {
		ig, err := config.ParseIgnore(entry)
		if err != nil {
			return nil, fmt.Errorf("parse ignore list: %w", err)
		}
		list = append(list, ig)
	}

	return list, nil
}

// Covers reports whether the list covers ent: an address inside a listed range, or a domain
// equal to a listed domain or under it.
func (l IgnoreList) Covers(ent extract.Entity) bool {
	switch ent.Type {
	case extract.IPv4, extract.IPv6:
		addr, err := netip.ParseAddr(ent.Value)
		if err != nil {
			return false
		}
		addr = addr.Unmap()
		for _, ig := range l {
			if ig.Prefix.IsValid() && ig.Prefix.Contains(addr) {
				return true
			}
		}
	case extract.Domain:
		for _, ig := range l {
			if ig.Domain != "" && domainMatches(ent.Value, ig.Domain) {
				return true
			}
		}
	}

	return false
}

// SkipInvalid is the skip reason of a QID or custom QID value that is no QID Qualys could
// hold (0, or past 2^31-1): it is reported, not looked up, rather than shown as found nowhere.
const SkipInvalid = "invalid"

// Mark sets the skip reasons the lookup adds to extraction's, on entities not skipped already:
// "ignored" on those the list covers, "invalid" on QIDs that are none.
func (l IgnoreList) Mark(ents []extract.Entity) {
	for i := range ents {
		switch {
		case ents[i].Skip != "":
		case l.Covers(ents[i]):
			ents[i].Skip = extract.SkipIgnored
		case ents[i].Type == extract.QID || ents[i].Type == extract.CustomQID:
			if _, err := parseQID(ents[i].Value); err != nil {
				ents[i].Skip = SkipInvalid
			}
		}
	}
}
