package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// BenchmarkBulkReviewKeystroke1000: one cursor key in the review of a bulk fix of 1,000
// tickets (Update and View), what a person waits for while reading the review.
func BenchmarkBulkReviewKeystroke1000(b *testing.B) {
	m := loadedConsole(b, 1000, 120, 40)
	for id := range m.s.tickets {
		m.s.marked[id] = true
	}
	// As F does once Zendesk has answered who owns the addresses (people.go).
	m.bulk.startBulk(m.s.markedIDs())
	m.current = screenBulk
	var tm tea.Model = m
	down := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'j'}}
	up := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'k'}}
	b.ResetTimer()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		k := down
		if i/50%2 == 1 {
			k = up
		}
		tm, _ = tm.Update(k)
		_ = tm.View()
	}
}

// BenchmarkBulkPlan1000: F on 1,000 marked tickets (plan, group, first render).
func BenchmarkBulkPlan1000(b *testing.B) {
	m := loadedConsole(b, 1000, 120, 40)
	ids := make([]int64, 0, len(m.s.tickets))
	for id := range m.s.tickets {
		ids = append(ids, id)
	}
	b.ResetTimer()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		m.bulk.startBulk(ids)
	}
}
