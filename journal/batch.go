package journal

import "github.com/partner-triage/partner-triage/model"

// Batch returns the changes of one batch (model.JournalEntry.Batch) that are applied and
// not undone, oldest first; none for an empty id.
func (f *File) Batch(id string) ([]model.JournalEntry, error) {
	if id == "" {
		return nil, nil
	}
	states, _, err := f.replay()
	if err != nil {
		return nil, err
	}
	var out []model.JournalEntry
	for _, st := range states {
		if st.kind == "change" && st.entry.Batch == id {
			out = append(out, st.entry)
		}
	}
	return out, nil
}
