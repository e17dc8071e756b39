package zendesktest

import "time"

// demoConversations gives a few demo tickets the back-and-forth a real queue has: the
// description, replies from the partner and the agent, and internal notes. Tickets not
// listed carry their description alone.
func demoConversations(tickets []Ticket) map[int64][]Comment {
	byID := map[int64]Ticket{}
	for _, t := range tickets {
		byID[t.ID] = t
	}
	conv := func(id int64, turns ...Comment) []Comment {
		t := byID[id]
		out := []Comment{{Body: t.Description, Public: true, AuthorID: t.SubmitterID, CreatedAt: t.CreatedAt}}
		for i, c := range turns {
			c.CreatedAt = t.CreatedAt.Add(time.Duration(i+1) * 5 * time.Hour)
			out = append(out, c)
		}
		return out
	}
	pub := func(author int64, body string) Comment { return Comment{AuthorID: author, Body: body, Public: true} }
	note := func(body string) Comment { return Comment{AuthorID: uPriya, Body: body} }
	return map[int64][]Comment{
		4001: conv(4001,
			pub(uPriya, "Thanks Dana. Which runner version and executor are the arm64 hosts on, and could you attach the job log of one failing job?"),
			pub(uDana, "Runner 17.2.0, docker executor, Graviton hosts. Log attached. The customer contact is Jane Porter at Acme, please keep her in the loop."),
			note("Requester is jane@acme.cmo, org-less: the partner mistyped Acme's domain. Fix the Organization Email before replying to Jane."),
		),
		4005: conv(4005,
			pub(uPriya, "Could you run gitlab-rake geo:status on the secondary and share the output?"),
			pub(uLaura, "Output attached. Repositories are synced, the lag is all in the job artifacts."),
		),
		4007: conv(4007,
			pub(uDana, "Adding Marco from our side: he runs the upgrade window on Saturday. Please CC him on this ticket."),
			note("Partner asked for Marco Bianchi on CC in the Request for CCs field too — not on the ticket yet."),
		),
		4012: conv(4012,
			note("No Organization Email and no customer named: is this for a customer or for Lucerne itself? Ask before routing."),
		),
		4013: conv(4013,
			pub(uDana, "Any update? Our pipelines are blocked on this."),
		),
		4016: conv(4016,
			pub(uPriya, "Ben, can you confirm which group path you expect to see?"),
			note("Ben Carter (Wingtip, customer) is a member of a Select partner's organization: check the memberships before answering."),
		),
	}
}
