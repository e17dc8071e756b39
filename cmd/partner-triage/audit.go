package main

import (
	"fmt"
	"io"

	"github.com/partner-triage/partner-triage/model"
	"github.com/partner-triage/partner-triage/report"
	"github.com/partner-triage/partner-triage/zendesk"
)

// runAudit lists every organization membership in the instance that breaks the handbook's
// rule, and who keeps making mistakes on the queue (report.Audit).
func runAudit(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := newFlagSet("audit")
	var o common
	o.register(fs)
	format := fs.String("format", "table", "")
	help := fs.BoolP("help", "h", false, "")
	if code, done := parseFlags(fs, args, "audit", stderr); done {
		return code
	}
	if *help {
		io.WriteString(stdout, helpText("audit", getenv))
		return exitOK
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "audit", fmt.Sprintf("unexpected argument %q (audit takes only flags)", fs.Arg(0)))
	}
	switch *format {
	case "table", "json":
	default:
		return usageError(stderr, "audit", fmt.Sprintf("--format %q is not supported: use --format table or --format json", *format))
	}

	e, code, ok := setup(o, "audit", stderr, getenv)
	if !ok {
		return code
	}
	defer e.close()

	ctx, stop := signalContext()
	defer stop()

	tty := isTerminal(stderr)
	if tty {
		fmt.Fprint(stderr, "\rchecking the Select partners' memberships")
		defer fmt.Fprint(stderr, "\r\x1b[K") // also when it fails
	}
	zdErr := func(what string, err error) int {
		if ctx.Err() != nil {
			return interrupted(stderr, "audit", ctx, "")
		}
		if zendesk.IsAuthError(err) && e.demo {
			err = fmt.Errorf("%w (the demo emulator refused its own token: this is a bug)", err)
		}
		return fail(stderr, "audit", exitZendesk, fmt.Errorf("%s from %s: %w", what, e.cfg.WebBase(), err), e.creds.Secrets())
	}
	res, err := e.client.Audit(ctx)
	if err != nil {
		return zdErr("auditing the memberships", err)
	}

	// The queue, for the tally of findings by partner.
	tickets, dir, err := loadForReport(ctx, e.client, func(p model.QueuePage) { // scan.go: pending pages skipped
		if tty {
			fmt.Fprintf(stderr, "\r\x1b[Kloaded %d tickets for the partner tally", p.Loaded)
		}
	})
	if err != nil {
		return zdErr(fmt.Sprintf("loading the queue (%s)", e.cfg.QueueSource()), err)
	}
	if tty {
		fmt.Fprint(stderr, "\r\x1b[K") // the progress line goes before the report is written
	}
	e.logf("audit: %d violations, %d queue tickets, %d requests", len(res.Violations), len(tickets), e.client.RequestCount())

	a := report.BuildAudit(e.cfg.Rules(), res, tickets, dir)
	if *format == "json" {
		err = report.WriteAuditJSON(stdout, a)
	} else {
		err = report.WriteAuditTable(stdout, a, terminalWidth(stdout))
	}
	if err != nil {
		return fail(stderr, "audit", exitZendesk, fmt.Errorf("writing the report: %v", err), nil)
	}
	if len(a.Violations) > 0 {
		return exitFindings
	}
	return exitOK
}

const auditUsage = "Usage: partner-triage audit [--config FILE] [--demo] [--format table|json] [--debug FILE] [--timeout D]\n" +
	"Run 'partner-triage audit --help' for details.\n"

const auditHelp = `NAME
    partner-triage audit - find every membership that ties a customer to a
    Select partner, or a Select partner to a customer

SYNOPSIS
    partner-triage audit [--config FILE] [--demo] [--format table|json]
                         [--debug FILE] [--timeout D]

DESCRIPTION
    The handbook says: "Never associate a customer to a Select Partner's
    organization, or vice-versa!" audit checks that rule across the whole
    Zendesk instance, not only for the people on today's queue, and changes
    nothing. It reports two kinds of organization membership:
        customer_in_select       a customer user (email domain of no partner
                                 organization) is a member of a Select org;
        select_user_in_customer  a Select user (email domain of a Select
                                 org) is a member of a customer org.
    Default organizations count as memberships.

    It looks from the partner side, so its cost stays flat as the instance
    grows: the partner organizations (a search per configured track value),
    each Select org's members, each Select user's memberships, and the open
    tickets of every user it reports. A Select user who belongs to no Select
    org at all is not seen.

    It then loads the queue, as scan does, and counts per partner
    organization the queued tickets with findings and each finding kind, so
    a lead can see who keeps making the mistake. A ticket's partner is the
    Select org of a Select-form ticket, else the submitter's partner org.

    The table lists each violation (membership id, kind, user, organization
    and its track, the user's open tickets), a summary line
        N memberships checked, M violations (a customer_in_select, ...)
    and the tally by partner. --format json prints one JSON document:
        {"memberships_checked": N,
         "violations": [{"membership_id", "user": {"id", "email", "name"},
                         "organization": {"id", "name", "track"},
                         "kind", "open_tickets": [ids]}],
         "by_partner": [{"organization": {"id", "name", "track"},
                         "tickets": N, "kinds": {"requester_org_mismatch": n,
                         "customer_email_unknown": n,
                         "select_partner_association": n,
                         "partner_cc_missing": n}}]}
    membership_id is 0 when Zendesk listed no record for a default
    organization. To remove violations, press A in the console: removals go
    through a review and the journal, and undo never restores them.

OPTIONS
    --config FILE
        Read the configuration from FILE instead of the default path (see
        CONFIGURATION).
    --demo
        Audit the built-in Zendesk emulator's demo desk on 127.0.0.1, which
        has violations both on and off the queue. Not with --config.
    --format table|json
        The report's format (default table).
    --debug FILE
        Append a log of requests, retries and decisions to FILE (never a
        credential).
    --timeout D
        Give up after D (e.g. 90s, 5m; default: no limit), for the audit
        and for the queue load, and say so. Each request also has its own
        deadline.
    -h, --help
        Show this help and exit.

`

const auditExit = `EXIT STATUS
    0    No membership breaks the rule.
    1    At least one violation.
    2    Usage or configuration error: an unknown flag, an unsupported
         --format, a missing or broken configuration file, missing
         credentials.
    3    Zendesk, authentication or network error.
    130  Interrupted.

EXAMPLES
    See what an audit reports, without an account:
        partner-triage audit --demo
    The membership ids to remove, one a line:
        partner-triage audit --format json | jq '.violations[].membership_id'
    Which partner makes most mistakes:
        partner-triage audit --format json | jq '.by_partner[0]'
`
