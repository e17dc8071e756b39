package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/report"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// pagesClient replays recorded queue pages.
type pagesClient []model.QueuePage

func (c pagesClient) LoadQueue(_ context.Context, onPage func(model.QueuePage)) error {
	for _, p := range c {
		onPage(p)
	}
	return nil
}

// scanReport is what scan writes (JSON and table) and how many pages its progress saw.
func scanReport(t *testing.T, cfg model.RuleConfig, c queueLoader) (json, table string, progress int) {
	t.Helper()
	tickets, dir, err := loadForReport(context.Background(), c, func(model.QueuePage) { progress++ })
	if err != nil {
		t.Fatal(err)
	}
	r := report.Build(cfg, tickets, dir)
	var j, tb bytes.Buffer
	if err := report.WriteJSON(&j, r); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteTable(&tb, r, 0); err != nil {
		t.Fatal(err)
	}
	a := report.BuildAudit(cfg, model.AuditResult{}, tickets, dir)
	var aj bytes.Buffer
	if err := report.WriteAuditJSON(&aj, a); err != nil {
		t.Fatal(err)
	}
	return j.String() + aj.String(), tb.String(), progress
}

// A pending page (delivered before its tickets' look-ups) never reaches scan's or audit's
// report, whatever it holds: the reports and the progress are those of the resolved pages.
func TestReportsSkipPendingPages(t *testing.T) {
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken("a@b.test", "t"))
	t.Cleanup(srv.Close)
	cfg := config.Demo(srv.URL())
	zc, err := zendesk.New(zendesk.Config{BaseURL: srv.URL(), Email: "a@b.test", APIToken: "t", ViewID: cfg.Queue.ViewID, Rules: cfg.Rules()})
	if err != nil {
		t.Fatal(err)
	}
	var resolved pagesClient
	if err := zc.LoadQueue(context.Background(), func(p model.QueuePage) { resolved = append(resolved, p) }); err != nil {
		t.Fatal(err)
	}
	first := resolved[0]
	// The pending page as the loader sends it, plus what a report must never take from one:
	// a ticket whose verdict nobody computed and a requester known only by the list.
	extra := first.Tickets[0]
	extra.ID, extra.Subject = 999001, "listed but never resolved"
	stranger := model.User{ID: first.Tickets[0].RequesterID, Email: "someone-else@pending.test"}
	pending := model.QueuePage{Pending: true, Tickets: append(append([]model.Ticket{}, first.Tickets...), extra),
		Users: []model.User{stranger}, Organizations: first.Organizations, Loaded: first.Loaded, Total: first.Total}

	wantJSON, wantTable, wantProgress := scanReport(t, cfg.Rules(), resolved)
	gotJSON, gotTable, gotProgress := scanReport(t, cfg.Rules(), append(pagesClient{pending}, resolved...))
	if gotJSON != wantJSON {
		t.Errorf("a pending page changed the JSON reports:\n%s\nwant:\n%s", gotJSON, wantJSON)
	}
	if gotTable != wantTable {
		t.Errorf("a pending page changed the table:\n%s\nwant:\n%s", gotTable, wantTable)
	}
	if gotProgress != wantProgress {
		t.Errorf("progress saw %d pages, want %d (the resolved ones)", gotProgress, wantProgress)
	}
}
