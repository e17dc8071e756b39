package tui

import "slices"

// flaggedAfter returns the first ticket with findings below id in the rows as shown (0 when
// none): where the cursor goes once id is fixed.
func (q *queueScreen) flaggedAfter(id int64) int64 {
	start := slices.Index(q.ids, id) // -1 when not shown: search from the top
	for _, x := range q.ids[start+1:] {
		if x != id && len(q.s.evals[x].Findings) > 0 {
			return x
		}
	}
	return 0
}

// selectFlagged puts the cursor on id when it is shown and still has findings, else on the
// first ticket with findings; with none left the cursor stays.
func (q *queueScreen) selectFlagged(id int64) {
	target := -1
	for i, x := range q.ids {
		if len(q.s.evals[x].Findings) == 0 {
			continue
		}
		if x == id {
			target = i
			break
		}
		if target < 0 {
			target = i
		}
	}
	if target >= 0 {
		q.table.SetCursor(target)
	}
}
