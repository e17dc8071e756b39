package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/partner-triage/partner-triage/config"
)

// The manual. Each command's --help prints a man page laid out the same way: section
// names in capitals at the margin, text indented four spaces, option descriptions
// eight, at most 80 columns. The console and scan pages carry every section; version's
// omits CONFIGURATION and ENVIRONMENT, which it does not read.

// shortUsage is printed under a usage error.
func shortUsage(cmd string) string {
	switch cmd {
	case "scan":
		return "Usage: partner-triage scan [--config FILE] [--demo] [--format table|json] [--debug FILE] [--timeout D]\n" +
			"Run 'partner-triage scan --help' for details.\n"
	case "audit":
		return auditUsage
	case "version":
		return "Usage: partner-triage version\n" +
			"Run 'partner-triage version --help' for details.\n"
	case "undo":
		return "Usage: partner-triage undo [--config FILE] [--dry-run] [--debug FILE] [ID] | undo --list\n" +
			"Run 'partner-triage undo --help' for details.\n"
	case "auth", "auth login", "auth status", "auth logout":
		return "Usage: partner-triage auth login [--config FILE] [--no-browser]\n" +
			"       partner-triage auth status|logout [--config FILE]\n" +
			"Run 'partner-triage auth --help' for details.\n"
	}
	return "Usage: partner-triage [--config FILE] [--demo] [--debug FILE] [--timeout D]\n" +
		"       partner-triage scan [--config FILE] [--demo] [--format table|json]\n" +
		"       partner-triage audit [--config FILE] [--demo] [--format table|json]\n" +
		"       partner-triage undo [--config FILE] [--dry-run] [--list] [ID]\n" +
		"       partner-triage auth login|status|logout [--config FILE]\n" +
		"       partner-triage version\n" +
		"Run 'partner-triage --help' for details.\n"
}

func runHelp(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	switch {
	case len(args) == 0:
		io.WriteString(stdout, helpText("", getenv))
	case len(args) > 1:
		return usageError(stderr, "help", "give at most one command: partner-triage help [scan|audit|undo|auth|version]")
	case args[0] == "scan" || args[0] == "audit" || args[0] == "version" || args[0] == "undo" || args[0] == "auth":
		io.WriteString(stdout, helpText(args[0], getenv))
	default:
		return usageError(stderr, "help", fmt.Sprintf("no help for %q: the commands are scan, audit, undo, auth and version", args[0]))
	}
	return exitOK
}

// helpText is the manual page of a command ("" for the console).
func helpText(cmd string, getenv func(string) string) string {
	var b strings.Builder
	switch cmd {
	case "scan":
		b.WriteString(scanHelp)
		b.WriteString(configurationSection(getenv))
		b.WriteString(environmentSection)
		b.WriteString(scanExit)
		b.WriteString(scanExamples)
	case "audit":
		b.WriteString(auditHelp)
		b.WriteString(configurationSection(getenv))
		b.WriteString(environmentSection)
		b.WriteString(auditExit)
	case "version":
		b.WriteString(versionHelp)
	case "auth", "auth login", "auth status", "auth logout":
		b.WriteString(authHelp)
		b.WriteString(configurationSection(getenv))
		b.WriteString(environmentSection)
	case "undo":
		b.WriteString(undoHelp)
		b.WriteString(configurationSection(getenv))
		b.WriteString(environmentSection)
	default:
		b.WriteString(consoleHelp)
		b.WriteString(configurationSection(getenv))
		b.WriteString(environmentSection)
		b.WriteString(consoleExit)
		b.WriteString(consoleExamples)
	}
	return b.String()
}

const consoleHelp = `NAME
    partner-triage - triage partner tickets in Zendesk from the terminal

SYNOPSIS
    partner-triage [--config FILE] [--demo] [--debug FILE]
    partner-triage scan [--config FILE] [--demo] [--format table|json]
    partner-triage audit [--config FILE] [--demo] [--format table|json]
    partner-triage undo [--config FILE] [--dry-run] [--list] [ID]
    partner-triage auth login|status|logout [--config FILE]
    partner-triage version
    partner-triage help [scan|audit|undo|auth|version]

DESCRIPTION
    partner-triage loads the queue of partner tickets from Zendesk (a view or a
    search, kept to the partner forms and to new, open, pending and hold
    tickets) and checks each one against the Open Partners handbook: requester
    and organization mismatches, mistyped customer emails, customers mixed up
    with Select partners, partner CCs that were asked for and are missing. It
    names the handbook scenario that applies and whose subscription support is
    based on.

    Without a command it opens the interactive console: the queue (findings
    first), a ticket's detail, a fix wizard that proposes each correction for
    you to accept, skip or edit, a review of every change, and the submit.
    Nothing is written before you confirm the review. Every write uses
    safe_update, so a ticket someone changed meanwhile is reloaded, never
    overwritten, and every change is journaled so it can be undone. Press ? in
    the console for its keys; q quits.

    'partner-triage scan' runs the same checks without the console and prints
    a report (see 'partner-triage scan --help').

    When one partner makes the same mistake on many tickets, mark them with x
    and press F: one review lists every ticket's change, and the fixes go out
    one safe_update per ticket, journaled as one batch that u can undo.
    'partner-triage audit' (A in the console) finds every organization
    membership in the instance that ties a customer to a Select partner, or
    the reverse (see 'partner-triage audit --help').

OPTIONS
    --config FILE
        Read the configuration from FILE instead of the default path (see
        CONFIGURATION).
    --demo
        Run against a built-in Zendesk emulator on 127.0.0.1, seeded with demo
        tickets that show every finding and scenario: no account, no network,
        no credentials. Changes are forgotten at exit. Not with --config.
    --debug FILE
        Append a log of requests, retries and decisions to FILE (never a
        credential). Logs never go to the screen.
    --timeout D
        Give up loading the queue after D (e.g. 90s, 5m; default: no limit)
        and say so. Each request also has its own deadline, and a
        Retry-After longer than a request may wait gives up at once.
    --version
        Print the version and exit (as 'partner-triage version').
    -h, --help
        Show this help and exit.

`

const scanHelp = `NAME
    partner-triage scan - check the partner queue and report the findings

SYNOPSIS
    partner-triage scan [--config FILE] [--demo] [--format table|json]
                        [--debug FILE] [--timeout D]

DESCRIPTION
    Loads the queue as the console does, checks every ticket against the
    triage rules, prints a report on standard output and exits. It changes
    nothing in Zendesk. Progress ("loaded 300/1200 tickets") goes to standard
    error, and only when that is a terminal.

    The table (the default) lists every scanned ticket by id with its status,
    scenario, requester, organization and findings, then each finding in
    words, then a summary line:
        N tickets scanned, M with findings (k requester_org_mismatch, ...)
    which counts findings by kind. On a terminal the table fits the width; in
    a pipe or a file nothing is cut.

    --format json prints one JSON document:
        {"scanned": N,
         "tickets": [{"id", "subject", "status", "requester", "organization",
                      "scenario", "support_basis",
                      "findings": [{"kind", "severity", "message",
                                    "suggested_email"}]}]}
    scanned counts the queue; tickets lists every scanned ticket, sorted by
    id. requester is the requester's email; organization and support_basis
    (whose subscription applies) are organization names; each is "" when
    unknown. findings is [] for a clean ticket. suggested_email is always
    present and "" when there is no suggestion. The same queue always gives
    the same bytes.

    Finding kinds: requester_org_mismatch, customer_email_unknown,
    select_partner_association (severity error) and partner_cc_missing
    (warning). Scenarios: services_engagement, customer_account,
    partner_account, select_partner, unknown.

OPTIONS
    --config FILE
        Read the configuration from FILE instead of the default path (see
        CONFIGURATION).
    --demo
        Scan the built-in Zendesk emulator's demo queue on 127.0.0.1: no
        account, no network, no credentials. Not with --config.
    --format table|json
        The report's format (default table).
    --debug FILE
        Append a log of requests, retries and decisions to FILE (never a
        credential).
    --timeout D
        Give up loading the queue after D (e.g. 90s, 5m; default: no limit)
        and say so. Each request also has its own deadline, and a
        Retry-After longer than a request may wait gives up at once.
    -h, --help
        Show this help and exit.

`

// configurationSection documents the file, with the path it resolves to here.
func configurationSection(getenv func(string) string) string {
	here := ""
	if p, err := config.DefaultPathEnv(getenv); err == nil {
		here = "\n    Here the default is " + p + ".\n"
	}
	return `CONFIGURATION
    YAML, read from --config FILE, else $XDG_CONFIG_HOME/partner-triage/
    config.yaml, else ~/.config/partner-triage/config.yaml.` + here + `
    Only the Zendesk instance and the queue are required; every other key
    defaults to the support instance's ids shown here:

        zendesk:
          url: https://example.zendesk.com  # the instance, or instead:
          # subdomain: example
          email: agent@example.com          # needed for ZENDESK_API_TOKEN
          oauth_client_id: partner_triage   # the OAuth client for auth login
          oauth_redirect_url: http://127.0.0.1:8976/callback
        forms:
          open_partner: [360000818199]      # Support for Open Partners
          select_partner: [360000837100]    # Support for Select Partners
        fields:
          org_email: 360012194200           # Organization Email (partners)
          cc_request: 360020735339          # Request for CCs
        organizations:
          track_field: partner_track        # organization field: the track
          select_values: [select]           # its values for Select partners
          open_values: [open]               # its values for Open partners
        queue:
          view_id: 360077000001             # a view, or instead a search:
          # search: 'type:ticket status<solved'
          refresh: 2m                       # re-read what changed (0: off)
          page_concurrency: 8               # list pages read at once (1-16)

    Give exactly one of zendesk.url and zendesk.subdomain, and exactly one of
    queue.view_id and queue.search. The url must be https (plain http only for
    a loopback host: 127.0.0.0/8, ::1, localhost); /api/v2 is added to it.
    Unknown keys, wrong types, ids that are not positive and empty lists are
    errors naming the file, the line and the key. The file never holds a
    secret: keys such as token or password are refused.

`
}

const environmentSection = `ENVIRONMENT
    Without either token variable, the sign-in stored by 'partner-triage auth
    login' is used (see 'partner-triage auth --help').
    ZENDESK_OAUTH_TOKEN
        An OAuth access token, sent as "Authorization: Bearer". Used when set,
        even if ZENDESK_API_TOKEN is set too.
    ZENDESK_API_TOKEN
        An API token, sent with zendesk.email as "email/token:TOKEN". Zendesk
        is retiring API tokens (none new after 2026-10-27, none working after
        2027-04-30): prefer OAuth.
    NO_COLOR
        When set and not empty, the console draws without colour.
    XDG_CONFIG_HOME
        Where the default configuration lives (default ~/.config).
    XDG_STATE_HOME
        Where the console journals submitted changes, in
        partner-triage/journal.jsonl (default ~/.local/state), and where
        the sign-in is kept when no OS keyring answers.
    BROWSER
        The browser auth login opens (a command taking the address last).

`

const consoleExit = `EXIT STATUS
    0    The console was closed.
    1    The console failed while running.
    2    Usage or configuration error: an unknown flag or command, a missing
         or broken configuration file, missing credentials, no terminal.
    129, 130, 143
         Stopped by SIGHUP, SIGINT or SIGTERM: the terminal is restored, and
         a submit in flight is finished or reported on stderr.
    Zendesk errors inside the console show in its status bar. For scan's
    statuses (0 nothing found, 1 findings, 2 usage or configuration error,
    3 Zendesk, authentication or network error) see 'partner-triage scan
    --help'.

`

const consoleExamples = `EXAMPLES
    Try it without an account:
        partner-triage --demo
    Sign in once, then triage the queue of your configuration:
        partner-triage auth login
        partner-triage
    Another configuration, with a debug log:
        partner-triage --config ~/acme.yaml --debug /tmp/partner-triage.log
    Report the findings without the console:
        partner-triage scan --format json > findings.json
`

const scanExit = `EXIT STATUS
    0    Nothing found: every scanned ticket is clean, or the queue is empty.
    1    Findings: at least one scanned ticket has a finding.
    2    Usage or configuration error: an unknown flag, an unsupported
         --format, a missing or broken configuration file, missing
         credentials.
    3    Zendesk, authentication or network error: credentials refused (401,
         403), the view or search failed, a server error, a timeout, no
         connection.
    129, 130, 143
         Stopped by SIGHUP, SIGINT or SIGTERM.

`

const scanExamples = `EXAMPLES
    See what a scan reports, without an account:
        partner-triage scan --demo
    The tickets with findings, as JSON:
        partner-triage scan --format json |
            jq '.tickets[] | select(.findings != [])'
    Every suggested correction of a mistyped customer email:
        partner-triage scan --format json | jq -r '.tickets[] | .id as $id |
            .findings[] | select(.suggested_email != "") |
            "\($id)\t\(.suggested_email)"'
    In a scheduled job, act on the exit status:
        partner-triage scan > report.txt; case $? in
            0) ;; 1) mail -s "partner queue findings" team < report.txt ;;
            *) echo "scan failed" >&2 ;; esac
`

const undoHelp = `NAME
    partner-triage undo - revert a change partner-triage submitted

SYNOPSIS
    partner-triage undo [--config FILE] [--dry-run] [--debug FILE] [ID]
    partner-triage undo --list

DESCRIPTION
    Every change the console submits is journaled with the ticket's values
    before and after, in $XDG_STATE_HOME/partner-triage/journal.jsonl (default
    ~/.local/state). Without ID, undo reverts the newest change that has
    something to revert, as u does in the console; with ID (see --list, or U
    in the console) it reverts that change. The ticket's fields, requester,
    organization and added CCs are put back in one update with safe_update,
    with an internal note naming what was set back (people by name and
    email). It first shows the revert as a diff.

    What undo never does: it never restores a removed organization
    membership (each one tied a customer and a Select partner, and putting it
    back would break the handbook's rule), so a change that only removed
    memberships has nothing to undo and is skipped, never blocking the
    changes before it; and it never deletes a user the change created.

    undo reads the ticket from Zendesk first. If anybody changed it after
    partner-triage did, or the journal has no updated_at to tell, undo
    refuses and changes nothing: revert that ticket by hand. If Zendesk's
    answer to the revert is lost, the ticket is read back to tell whether it
    was applied. A journal line cut off by a crash is skipped with a warning.

OPTIONS
    --config FILE
        Read the configuration from FILE instead of the default path.
    --list
        List the changes not undone yet, newest first, with their IDs; sends
        nothing and needs no configuration.
    --dry-run
        Show what would be reverted and send nothing.
    --debug FILE
        Append a log of requests and decisions to FILE (never a credential).
    -h, --help
        Show this help and exit.

EXIT STATUS
    0    Reverted (or, with --dry-run or --list, shown).
    1    Nothing to undo, or refused: the ticket changed since.
    2    Usage or configuration error, or the journal cannot be read.
    3    Zendesk, authentication or network error.
    129, 130, 143
         Stopped by SIGHUP, SIGINT or SIGTERM.

`

const versionHelp = `NAME
    partner-triage version - print the version and build

SYNOPSIS
    partner-triage version

DESCRIPTION
    Prints one line: the version (set when building with
    -ldflags "-X main.version=v1.2.3", else the module version, else dev), the
    commit when the build recorded one, the Go version and the platform.

OPTIONS
    -h, --help
        Show this help and exit.

EXIT STATUS
    0    The version was printed.
    2    Usage error: an unknown flag or an argument.

EXAMPLES
    partner-triage version
    go build -ldflags "-X main.version=$(git describe --tags)" \
        ./cmd/partner-triage
`
