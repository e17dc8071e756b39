package apply_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partner-triage/partner-triage/apply"
	"github.com/partner-triage/partner-triage/config"
	"github.com/partner-triage/partner-triage/journal"
	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/zendesk"
	"github.com/partner-triage/partner-triage/zendesk/zendesktest"
)

// signedOut is a stored sign-in that Zendesk stops accepting once refused is set (revoked,
// or its refresh refused): nothing more can be sent.
type signedOut struct{ refused atomic.Bool }

func (s *signedOut) AccessToken(context.Context) (string, error) {
	if s.refused.Load() {
		return "", errors.New("not signed in to the demo: Zendesk refused to refresh the sign-in; run `partner-triage auth login`")
	}
	return "good-oauth-token", nil
}

func (s *signedOut) Renew(ctx context.Context, _ string) (string, error) { return s.AccessToken(ctx) }

// A submit whose sign-in is refused sent nothing: the outcome says so plainly, not "outcome
// unknown", and the journal holds no open intent for the next start to report.
func TestSubmitWithRefusedSignInSaysNothingWasSent(t *testing.T) {
	srv := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithOAuthToken("good-oauth-token"))
	t.Cleanup(srv.Close)
	cfg := config.Demo(srv.URL())
	src := &signedOut{}
	c, err := zendesk.New(zendesk.Config{BaseURL: srv.URL(), Token: src, ViewID: cfg.Queue.ViewID, Rules: cfg.Rules(), MaxWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{srv: srv, client: c, rules: cfg.Rules(), dir: model.NewDirectory(), queue: map[int64]model.Ticket{}}
	if err := c.LoadQueue(context.Background(), func(p model.QueuePage) {
		f.dir.Merge(p)
		for _, tk := range p.Tickets {
			f.queue[tk.ID] = tk
		}
	}); err != nil {
		t.Fatal(err)
	}
	if f.j, err = journal.Open(filepath.Join(t.TempDir(), "journal.jsonl")); err != nil {
		t.Fatal(err)
	}
	upd, rms, before := f.plan(4004)
	src.refused.Store(true)
	srv.ResetRequests()
	out := apply.Submit(context.Background(), f.client, f.j, upd, rms, before, now)
	if out.Unknown || out.Err == nil || len(out.Applied) != 0 || !strings.Contains(out.Err.Error(), "partner-triage auth login") {
		t.Fatalf("outcome unknown=%v applied=%q err=%v, want nothing applied and the sign-in advice", out.Unknown, out.Applied, out.Err)
	}
	if got := strings.Join(out.NotApplied, "; "); !strings.Contains(got, "nothing was sent") {
		t.Errorf("not applied = %q, want it to say nothing was sent", got)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests reached Zendesk", n)
	}
	if pending, _ := f.j.Interrupted(); len(pending) != 0 {
		t.Errorf("a change that was never sent is reported as interrupted: %+v", pending)
	}
}
