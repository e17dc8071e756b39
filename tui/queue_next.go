package tui

// flaggedAfter returns the first ticket with findings below id in the rows as shown (0 when
// none): where the cursor goes once id is fixed.
func (q *queueScreen) flaggedAfter(id int64) int64 {
	start := -1 // id not shown: search from the top
	for i, e := range q.visible {
		if e.id == id {
			start = i
			break
		}
	}
	for _, e := range q.visible[start+1:] {
		if e.id != id && e.flagged {
			return e.id
		}
	}
	return 0
}

// selectFlagged puts the cursor on id when it is shown and still has findings, else on the
// first ticket with findings; with none left the cursor stays.
func (q *queueScreen) selectFlagged(id int64) {
	target := -1
	for i, e := range q.visible {
		if !e.flagged {
			continue
		}
		if e.id == id {
			target = i
			break
		}
		if target < 0 {
			target = i
		}
	}
	if target >= 0 {
		q.moveTo(target)
	}
}

// needsWork reports whether id's row still asks something of the agent: findings, or a
// question for the submitter. After a submit the cursor stays on such a ticket (an ask, a
// fix that left findings) and moves on only from one that is done.
func (q *queueScreen) needsWork(id int64) bool {
	e, ok := q.byID[id]
	return ok && (e.flagged || e.rank == rankAsk)
}
