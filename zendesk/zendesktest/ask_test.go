package zendesktest

import "testing"

// Asking the submitter: a public comment with a status in one safe_update is stored as
// Zendesk does (public, by the agent, status set); an unknown status is a 422 that changes
// nothing, comment included.
func TestUpdatePublicCommentAndStatus(t *testing.T) {
	s := newDemo(t)
	n0 := len(s.Comments(4012))
	st, m := put(t, s, 4012, map[string]any{"status": "pendng", "comment": map[string]any{"body": "Which applies?", "public": true},
		"safe_update": true, "updated_stamp": stamp(t, s, 4012)})
	wantStatus(t, st, 422, m)
	if n := len(s.Comments(4012)); n != n0 {
		t.Fatalf("a refused update changed the comments: %d → %d", n0, n)
	}
	st, m = put(t, s, 4012, map[string]any{"status": "pending", "comment": map[string]any{"body": "Which applies?", "public": true},
		"safe_update": true, "updated_stamp": stamp(t, s, 4012)})
	wantStatus(t, st, 200, m)
	tk, _ := s.Ticket(4012)
	cs := s.Comments(4012)[n0:]
	if tk.Status != "pending" || len(cs) != 1 || !cs[0].Public || cs[0].Body != "Which applies?" || cs[0].AuthorID == 0 {
		t.Errorf("status %q, comments %+v: want pending and one public comment by the agent", tk.Status, cs)
	}
}
