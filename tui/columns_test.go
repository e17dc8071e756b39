package tui

import "testing"

// The columns never outgrow the list: at 40 columns the rows ended in a stray "…" and the
// findings badge was cut ("✗ selec…") by the frame (trial 3).
func TestColumnsFitEveryWidth(t *testing.T) {
	for w := 40; w <= 240; w++ {
		c := layoutColumns(w)
		sum := 0
		for _, v := range []int{c.id, c.subject, c.age, c.status, c.scenario, c.requester, c.org, c.findings} {
			if v > 0 {
				sum += v + 2
			}
		}
		if sum != w {
			t.Errorf("width %d: columns fill %d cells: %+v", w, sum, c)
		}
		if c.findings < 9 || c.requester < 10 || c.subject < 6 {
			t.Errorf("width %d: findings %d, requester %d, subject %d cells", w, c.findings, c.requester, c.subject)
		}
	}
}
