package zendesktest

import (
	"net/url"
	"slices"
	"strconv"
	"testing"
)

func newPeople(t *testing.T) *Server {
	t.Helper()
	s := NewServer(PeopleDemo(), WithAPIToken(testEmail, testToken))
	t.Cleanup(s.Close)
	return s
}

func TestIdentities(t *testing.T) {
	s := newPeople(t)
	st, m := get(t, s, "/users/"+strconv.FormatInt(UserPriyaR, 10)+"/identities.json")
	wantStatus(t, st, 200, m)
	ids := list(t, m, "identities")
	if len(ids) != 2 || ids[0]["value"] != "priya@umbrella-labs.com" || ids[0]["primary"] != true ||
		ids[1]["value"] != "p.raman@umbrella-labs.com" || ids[1]["primary"] != false || ids[1]["type"] != "email" {
		t.Fatalf("identities = %v", ids)
	}
	st, _ = get(t, s, "/users/"+strconv.FormatInt(UserDeleted, 10)+"/identities.json")
	wantStatus(t, st, 404, nil)
}

// A secondary address resolves to its owner everywhere Zendesk resolves addresses.
func TestSecondaryIdentityResolvesToOwner(t *testing.T) {
	s := newPeople(t)
	st, m := get(t, s, "/users/search.json?query="+url.QueryEscape("email:p.raman@umbrella-labs.com"))
	wantStatus(t, st, 200, m)
	if got := ids(t, list(t, m, "users")); len(got) != 1 || got[0] != UserPriyaR {
		t.Fatalf("users/search of a secondary address = %v", got)
	}
	if u := list(t, m, "users")[0]; u["email"] != "priya@umbrella-labs.com" {
		t.Fatalf("the user's email is the primary one, got %v", u["email"])
	}
	st, m = get(t, s, "/search.json?query="+url.QueryEscape("type:user email:p.raman@umbrella-labs.com"))
	wantStatus(t, st, 200, m)
	if got := ids(t, list(t, m, "results")); len(got) != 1 || got[0] != UserPriyaR {
		t.Fatalf("search email: of a secondary address = %v", got)
	}

	users := len(s.users)
	st, m = put(t, s, 4001, map[string]any{"requester": map[string]any{"email": "P.Raman@umbrella-labs.com", "name": "New Person"},
		"email_ccs":   []map[string]any{{"user_email": "p.raman@umbrella-labs.com", "action": "put"}},
		"safe_update": true, "updated_stamp": stamp(t, s, 4001)})
	wantStatus(t, st, 200, m)
	tk, _ := s.Ticket(4001)
	if tk.RequesterID != UserPriyaR {
		t.Errorf("requester {email: secondary} = user %d, want Priya %d", tk.RequesterID, UserPriyaR)
	}
	if len(s.users) != users {
		t.Errorf("a user was created for an address Priya owns")
	}
	st, m = put(t, s, 4002, map[string]any{"email_ccs": []map[string]any{{"user_email": "p.raman@umbrella-labs.com", "action": "put"}},
		"safe_update": true, "updated_stamp": stamp(t, s, 4002)})
	wantStatus(t, st, 200, m)
	if tk, _ := s.Ticket(4002); !slices.Contains(tk.EmailCCIDs, UserPriyaR) || len(s.users) != users {
		t.Errorf("email_ccs user_email of a secondary address: CCs %v, users %d (was %d)", tk.EmailCCIDs, len(s.users), users)
	}
}

func TestDeletedUser(t *testing.T) {
	s := newPeople(t)
	st, m := get(t, s, "/users/show_many.json?ids="+strconv.FormatInt(UserDeleted, 10)+","+strconv.FormatInt(UserPriyaR, 10))
	wantStatus(t, st, 200, m)
	if got := ids(t, list(t, m, "users")); len(got) != 1 || got[0] != UserPriyaR {
		t.Fatalf("show_many = %v", got)
	}
	st, m = get(t, s, "/tickets/"+strconv.FormatInt(TicketDeleted, 10)+".json?include=users")
	wantStatus(t, st, 200, m)
	if tk := m["ticket"].(map[string]any); num(t, tk["requester_id"]) != UserDeleted {
		t.Fatalf("the ticket keeps the deleted requester's id, got %v", tk["requester_id"])
	}
	for _, u := range list(t, m, "users") {
		if num(t, u["id"]) == UserDeleted {
			t.Fatal("a deleted user was sideloaded")
		}
	}
	s.DeleteUser(UserTomas)
	st, _ = get(t, s, "/users/"+strconv.FormatInt(UserTomas, 10)+".json")
	wantStatus(t, st, 404, nil)
	if _, ok := s.UserByEmail("tomas@vandelay.io"); ok {
		t.Fatal("a deleted user's address still resolves")
	}
}

func TestSuspendedOnTheWire(t *testing.T) {
	s := newPeople(t)
	st, m := get(t, s, "/users/"+strconv.FormatInt(UserOla, 10)+".json")
	wantStatus(t, st, 200, m)
	if m["user"].(map[string]any)["suspended"] != true {
		t.Fatalf("user = %v", m["user"])
	}
}
