package model

import (
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Track is the partner track of an organization under a configuration (rules.md, "Words").
type Track uint8

const (
	// TrackUnknown: the organization is not in the directory (deleted, or not loaded yet).
	TrackUnknown Track = iota
	// TrackCustomer: every organization that is neither Select nor Open, including one without fields.
	TrackCustomer
	// TrackOpen: organization_fields[track_field] is one of open_values.
	TrackOpen
	// TrackSelect: organization_fields[track_field] is one of select_values.
	TrackSelect
)

func (t Track) String() string {
	switch t {
	case TrackCustomer:
		return "customer"
	case TrackOpen:
		return "open"
	case TrackSelect:
		return "select"
	}
	return "unknown"
}

// OrgTrack returns the track of organization id under cfg (TrackUnknown when id is 0 or unknown).
func (d *Directory) OrgTrack(cfg RuleConfig, id int64) Track {
	return d.index(cfg).class[id]
}

// UserTrack returns the track of a user under cfg, from their email domain: TrackSelect for a
// Select domain, TrackOpen for another partner domain, TrackCustomer for any other address,
// TrackUnknown for a user without an address or not in the directory.
func (d *Directory) UserTrack(cfg RuleConfig, id int64) Track {
	u, ok := d.users[id]
	if !ok {
		return TrackUnknown
	}
	return d.verdicts(d.index(cfg), u).track
}

// ClassifyOrganization returns the track of o under cfg: its organization_fields[TrackField]
// compared case-insensitively (and trimmed) with SelectValues, then OpenValues. A value in
// both lists counts as Select, the stricter of the two.
func ClassifyOrganization(cfg RuleConfig, o Organization) Track {
	return classify(cfg.TrackField, cfg.SelectValues, cfg.OpenValues, o)
}

func classify(field string, selectVals, openVals []string, o Organization) Track {
	if field == "" || o.Fields == nil {
		return TrackCustomer
	}
	v, ok := o.Fields[field]
	if !ok {
		return TrackCustomer
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return TrackCustomer
	}
	for _, s := range selectVals {
		if strings.EqualFold(strings.TrimSpace(s), v) {
			return TrackSelect
		}
	}
	for _, s := range openVals {
		if strings.EqualFold(strings.TrimSpace(s), v) {
			return TrackOpen
		}
	}
	return TrackCustomer
}

// ruleIndex is what the rules precompute from the organizations for one configuration.
type ruleIndex struct {
	// the configuration it was built for (copies, so a caller's later edits are noticed)
	trackField           string
	selectVals, openVals []string

	class            map[int64]Track
	partnerByDomain  map[string][]int64 // Open and Select orgs by domain, ids ascending
	selectByDomain   map[string][]int64 // Select orgs by domain
	customerByDomain map[string][]int64 // customer orgs by domain
	domainTrack      map[string]Track   // TrackSelect or TrackOpen for every partner domain

	// suggest is the sorted list of customer domains that are not partner domains, the
	// candidates of customer_email_unknown's suggestion; rebuilt when stale. nearMemo
	// remembers, per mistyped domain, the candidates at the smallest distance (≤ 2).
	suggest      []suggestCand
	suggestStale bool
	nearMemo     map[string][]string
}

type suggestCand struct {
	domain string
	mask   uint64 // runeMask(domain)
	n      int    // runes in domain
}

// index returns the rule index for cfg, building it when missing or built for another config.
func (d *Directory) index(cfg RuleConfig) *ruleIndex {
	if d.ix != nil && d.ix.matches(cfg) {
		return d.ix
	}
	ix := &ruleIndex{
		trackField:       cfg.TrackField,
		selectVals:       slices.Clone(cfg.SelectValues),
		openVals:         slices.Clone(cfg.OpenValues),
		class:            make(map[int64]Track, len(d.orgs)),
		partnerByDomain:  map[string][]int64{},
		selectByDomain:   map[string][]int64{},
		customerByDomain: make(map[string][]int64, len(d.orgs)),
		domainTrack:      map[string]Track{},
	}
	for _, o := range d.orgs {
		ix.addOrg(o)
	}
	d.ix = ix
	d.gen++ // the users' cached verdicts were for another configuration
	return ix
}

func (ix *ruleIndex) matches(cfg RuleConfig) bool {
	return ix.trackField == cfg.TrackField && slices.Equal(ix.selectVals, cfg.SelectValues) &&
		slices.Equal(ix.openVals, cfg.OpenValues)
}

func (ix *ruleIndex) classify(o Organization) Track {
	return classify(ix.trackField, ix.selectVals, ix.openVals, o)
}

// orgDomains calls fn once for every distinct normalised domain of o.
func orgDomains(o Organization, fn func(string)) {
	for i, raw := range o.DomainNames {
		d := normDomain(raw)
		if d == "" {
			continue
		}
		dup := false
		for _, prev := range o.DomainNames[:i] {
			if normDomain(prev) == d {
				dup = true
				break
			}
		}
		if !dup {
			fn(d)
		}
	}
}

func normDomain(s string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "@"))
}

func (ix *ruleIndex) addOrg(o Organization) {
	tr := ix.classify(o)
	ix.class[o.ID] = tr
	orgDomains(o, func(d string) {
		switch tr {
		case TrackSelect:
			ix.selectByDomain[d] = insertID(ix.selectByDomain[d], o.ID)
			ix.partnerByDomain[d] = insertID(ix.partnerByDomain[d], o.ID)
		case TrackOpen:
			ix.partnerByDomain[d] = insertID(ix.partnerByDomain[d], o.ID)
		default:
			ix.customerByDomain[d] = insertID(ix.customerByDomain[d], o.ID)
		}
		ix.setDomainTrack(d)
	})
	ix.suggestStale = true
}

func (ix *ruleIndex) removeOrg(o Organization) {
	tr := ix.classify(o)
	delete(ix.class, o.ID)
	orgDomains(o, func(d string) {
		switch tr {
		case TrackSelect:
			removeID(ix.selectByDomain, d, o.ID)
			removeID(ix.partnerByDomain, d, o.ID)
		case TrackOpen:
			removeID(ix.partnerByDomain, d, o.ID)
		default:
			removeID(ix.customerByDomain, d, o.ID)
		}
		ix.setDomainTrack(d)
	})
	ix.suggestStale = true
}

func insertID(ids []int64, id int64) []int64 {
	i, found := slices.BinarySearch(ids, id)
	if found {
		return ids
	}
	return slices.Insert(ids, i, id)
}

func removeID(m map[string][]int64, key string, id int64) {
	ids := m[key]
	if i, found := slices.BinarySearch(ids, id); found {
		ids = slices.Delete(ids, i, i+1)
	}
	if len(ids) == 0 {
		delete(m, key)
		return
	}
	m[key] = ids
}

func (ix *ruleIndex) isPartnerDomain(d string) bool { _, ok := ix.domainTrack[d]; return ok }

func (ix *ruleIndex) setDomainTrack(d string) {
	switch {
	case len(ix.selectByDomain[d]) > 0:
		ix.domainTrack[d] = TrackSelect
	case len(ix.partnerByDomain[d]) > 0:
		ix.domainTrack[d] = TrackOpen
	default:
		delete(ix.domainTrack, d)
	}
}

// emailTrack classifies an address by its (normalised) domain; "" → TrackUnknown.
func (ix *ruleIndex) emailTrack(domain string) Track {
	if domain == "" {
		return TrackUnknown
	}
	if tr, ok := ix.domainTrack[domain]; ok {
		return tr
	}
	return TrackCustomer
}

// nearest returns the customer domains (not partner domains) nearest to domain by optimal
// string alignment distance, at most 2, sorted; nil when none is within 2.
func (ix *ruleIndex) nearest(domain string) []string {
	if ix.suggestStale || ix.nearMemo == nil {
		ix.suggest = ix.suggest[:0]
		for d := range ix.customerByDomain {
			if !ix.isPartnerDomain(d) {
				ix.suggest = append(ix.suggest, suggestCand{d, runeMask(d), utf8.RuneCountInString(d)})
			}
		}
		slices.SortFunc(ix.suggest, func(a, b suggestCand) int { return strings.Compare(a.domain, b.domain) })
		ix.suggestStale = false
		ix.nearMemo = map[string][]string{}
	}
	if near, ok := ix.nearMemo[domain]; ok {
		return near
	}
	var near []string
	best := 2
	mask, n := runeMask(domain), utf8.RuneCountInString(domain)
	for _, c := range ix.suggest {
		// Each edit changes the length by at most 1 and the set of characters present by at
		// most 2, so these cheap bounds skip most domains before the distance is computed.
		if c.n-n > best || n-c.n > best || bits.OnesCount64(mask^c.mask) > 2*best || c.domain == domain {
			continue
		}
		switch dist := osaDistance(domain, c.domain, best); {
		case dist < best:
			best, near = dist, append(near[:0], c.domain)
		case dist == best:
			near = append(near, c.domain)
		}
	}
	if len(ix.nearMemo) >= 4096 {
		clear(ix.nearMemo)
	}
	ix.nearMemo[domain] = near
	return near
}

// runeMask is the set of characters in s: a bit for each of a–z, 0–9, '.', '-', and one
// shared by every other character (sharing only makes the bound in nearest looser).
func runeMask(s string) uint64 {
	var m uint64
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			m |= 1 << (r - 'a')
		case r >= '0' && r <= '9':
			m |= 1 << (26 + r - '0')
		case r == '.':
			m |= 1 << 36
		case r == '-':
			m |= 1 << 37
		default:
			m |= 1 << 63
		}
	}
	return m
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
