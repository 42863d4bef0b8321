package qualys

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
)

// The VM option profile list, as public sources show it (no vendor sample was found):
//
//   - Path and action: GET|POST /api/2.0/fo/subscription/option_profile/vm/?action=list
//     [sjackson0109/terraform-provider-qualys vmdr/optionprofile.go (ListVMOptionProfiles);
//     Qualys release notes 10.30 name the endpoint,
//     https://docs.qualys.com/en/vm/release-notes/qweb/release_10_30_api_versioned.htm].
//     The list takes no id or title filter [same terraform file]. The whole-XML sibling
//     /api/2.0/fo/subscription/option_profile/?action=export returns the same document but is
//     documented for Managers only [Qualys/API_Driven_Migration
//     QualysCommon/QualysOptionProfileProcessor.py; same terraform repo,
//     docs/discovery/03-capability-api-matrix.md], so the VM list is the one used here.
//   - Body: root OPTION_PROFILES (DTD option_profile_info.dtd) with OPTION_PROFILE children,
//     not wrapped in RESPONSE; each carries BASIC_INFO with ID, GROUP_NAME (the title that
//     launch's option_title names), GROUP_TYPE, USER_ID, IS_DEFAULT, IS_GLOBAL,
//     IS_OFFLINE_SYNCABLE, UPDATE_DATE, then SCAN/MAP/ADDITIONAL sections [terraform file
//     above; a public Python client reads './/OPTION_PROFILE' and BASIC_INFO/ID,
//     BASIC_INFO/GROUP_NAME, stripping CDATA whitespace]. A RESPONSE wrapper is tolerated
//     as the terraform client does, in case a platform adds one.

// OptionProfile is one VM option profile of the subscription, from its BASIC_INFO.
type OptionProfile struct {
	ID      int64  // 0 when BASIC_INFO has no usable ID
	Title   string // GROUP_NAME: what a launch's option_title must equal
	Default bool   // IS_DEFAULT
	Global  bool   // IS_GLOBAL
}

// OptionProfiles streams the account's VM option profiles to emit. It calls the VM option
// profile list; the list is not paged. A document with no OPTION_PROFILE is zero profiles,
// not an error.
//
// qualys: POST /api/2.0/fo/subscription/option_profile/vm/ action=list
func (c *Client) OptionProfiles(ctx context.Context, emit func(OptionProfile) error) error {
	path := "/api/" + c.cfg.Versions.OptionProfileList + "/fo/subscription/option_profile/vm/"

	_, err := c.do(ctx, request{endpoint: "option_profile_list", path: path,
		form: url.Values{"action": {"list"}}, idempotent: true}, func(r io.Reader) error {
		return decodeOptionProfiles(ctx, r, emit)
	})
	if err != nil {
		return fmt.Errorf("list option profiles: %w", err)
	}

	return nil
}

// decodeOptionProfiles streams one OPTION_PROFILES document to emit.
func decodeOptionProfiles(ctx context.Context, r io.Reader, emit func(OptionProfile) error) error {
	item := func(tr *tokenReader, _ xml.StartElement) error {
		p, err := readOptionProfile(tr)
		if err != nil {
			return fmt.Errorf("decode OPTION_PROFILE: %w", err)
		}

		if p.ID == 0 && p.Title == "" {
			return errNotEmitted // nothing a launch could name
		}

		if err := emit(p); err != nil {
			return &emitError{err}
		}

		return nil
	}

	_, err := decodeStream(ctx, r, streamSpec{root: "OPTION_PROFILES",
		items: map[string]itemFunc{"OPTION_PROFILES/OPTION_PROFILE": item,
			"RESPONSE/OPTION_PROFILE": item}})

	return err
}

// readOptionProfile reads the OPTION_PROFILE just opened on r. Only BASIC_INFO is read; its
// children may come in any order and each may be missing.
func readOptionProfile(r *tokenReader) (OptionProfile, error) {
	var p OptionProfile

	err := r.each(func(start xml.StartElement) error {
		if start.Name.Local != "BASIC_INFO" {
			return r.skip()
		}

		return r.each(func(start xml.StartElement) error {
			switch start.Name.Local {
			case "ID":
				text, err := r.text()
				p.ID = optInt64Bytes(text)

				return err
			case "GROUP_NAME":
				return scanText(r, &p.Title)
			case "IS_DEFAULT":
				text, err := r.text()
				p.Default = flagBytes(text)

				return err
			case "IS_GLOBAL":
				text, err := r.text()
				p.Global = flagBytes(text)

				return err
			}

			return r.skip()
		})
	})

	return p, err
}
