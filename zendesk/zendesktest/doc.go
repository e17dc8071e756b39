// Package zendesktest is an in-process emulator of the Zendesk Support API (the part
// partner-triage uses), for tests, benchmarks and the product's --demo mode. It listens
// on 127.0.0.1:0 with net/http and speaks Zendesk's wire format. It has its own wire
// structs, so it shares no decoding code with the client in package zendesk. It aims to
// be at least as strict as Zendesk: a client that works here should work there.
//
//	s := zendesktest.NewServer(zendesktest.Demo(), zendesktest.WithAPIToken(email, token))
//	defer s.Close()
//	client.SetEndpointURL(s.URL()) // http://127.0.0.1:PORT/api/v2
//
// # Authentication
//
// WithAPIToken accepts Basic "{email}/token:{token}"; WithOAuthToken accepts
// "Bearer {token}"; with both, either works. With neither, any credentials work, but a
// request without an Authorization header still gets 401. Wrong credentials:
// 401 {"error":"Couldn't authenticate you"}.
//
// WithOAuthClient makes the server an OAuth server as Zendesk is (see oauth.go):
// /oauth/authorizations/new (approves at once), /oauth/tokens (PKCE, rotation,
// invalid_grant), GET /api/v2/oauth/tokens/current, DELETE /api/v2/oauth/tokens/{id}.
// Its tokens expire on WithClock's clock (WithOAuthLifetimes); an expired, rotated or
// revoked access token gets 401, and only issued tokens (or WithOAuthToken's) are accepted.
//
// # Endpoints (under /api/v2; the .json suffix is optional)
//
//	GET    /tickets/{id}                        include=users,organizations
//	GET    /tickets/show_many?ids=              ≤ 100 ids (else 400); unknown ids skipped
//	GET    /tickets                             cursor or offset
//	PUT    /tickets/{id}                        see "Ticket updates"
//	GET    /tickets/{id}/comments               cursor or offset; sort_order=asc|desc; include=users
//	GET    /views/{id}
//	GET    /views/{id}/tickets                  cursor or offset; include=users,organizations
//	GET    /search?query=                       offset only; include=tickets(users,organizations)
//	GET    /search/export?query=&filter[type]=  cursor only; include=tickets(users,organizations)
//	GET    /users/me
//	GET    /users/{id}
//	GET    /users/show_many?ids=                ≤ 100; include=organizations
//	GET    /users/search?query=                 fuzzy (see below), offset
//	GET    /users/{id}/organization_memberships cursor or offset
//	GET    /organizations                       cursor or offset
//	GET    /organizations/{id}
//	GET    /organizations/show_many?ids=        ≤ 100
//	GET    /organizations/{id}/organization_memberships
//	GET    /organizations/{id}/users
//	GET    /organization_memberships/{id}
//	POST   /organization_memberships            {"organization_membership":{user_id, organization_id[, default]}} → 201
//	DELETE /organization_memberships/{id}       → 204 (no body)
//
// Unknown ids: 404 {"error":"RecordNotFound","description":"Not found"}. Unknown routes
// and wrong methods: 404 {"error":"InvalidEndpoint",…}.
//
// # Pagination
//
// Cursor (page[size], page[after], page[before]): page[size] 1–100 (export 1–1000,
// default 100), anything else 400; responses carry meta {has_more, after_cursor,
// before_cursor} and links {next, prev}. As on Zendesk, links.next is still set on the
// last page (it leads to an empty page): stop on meta.has_more == false. Cursors are
// opaque (base64 of list, offset and — for export — an expiry one hour ahead); a cursor
// from another list, a forged or an expired one is 400.
//
// Offset (page, per_page): per_page is clamped to 100 as Zendesk does; responses carry
// next_page, previous_page and count. Lists refuse page × per_page > 10,000 (400
// InvalidPaginationDepth); /search refuses page × per_page > 1,000 (422) while count
// still reports the true total; /search refuses page[size] (400).
//
// /search/export requires filter[type] (ticket, user, organization; else 400), rejects
// a type: term in the query (400), orders by created_at, sets links.prev to null and
// has no result cap.
//
// # Search queries
//
// See the comment on the query grammar in search.go: type:, status with : < <= > >=,
// form:ID or form:"Name", ticket_form_id:, organization:, requester:, submitter:,
// assignee:, tags:, custom_field_ID:, created/updated with dates, email: (exact for
// users), name:, role:, any organization_fields key (case-insensitive equality, so
// partner_track:select finds "Select" too), -negation and free text. A property that
// does not apply to a result type never matches. /users/search is fuzzy like Zendesk's:
// email:ADDR also returns users with the same local part or whose email starts with
// ADDR, in id order — the client has to keep only the exact address.
//
// # Ticket updates (PUT /tickets/{id}, body {"ticket":{…}})
//
// Content-Type must be application/json; a malformed body, a body without "ticket", or
// wrong JSON types are 400. Supported: subject, status, priority, tags, assignee_id,
// custom_fields [{id, value}] (value any JSON type; id required), requester_id,
// requester {email, name} (existing user by email, case-insensitive, or a new end user),
// organization_id (number or null), email_ccs [{user_id | user_email [, user_name],
// action "put" (default) | "delete"}] (an unknown user_email creates an end user; the
// requester is silently not CC'd; collaborator_ids follow), comment {body | html_body,
// public (default true!), author_id}, safe_update + updated_stamp.
//
// Order of checks: 404; rate limits; safe_update (missing or different stamp → 409
// {"error":"UpdateConflict",…}); closed ticket → 422 ClosedPreventsUpdate; then every
// field, collecting 422 {"error":"RecordInvalid","description":"Record validation
// errors","details":{field:[{description,error}]}}. Nothing is applied — and no user
// is created — unless the whole update is valid.
//
// organization_id must be one of the (new) requester's organizations (any membership)
// when the organization or the requester changes; without organization_id a requester
// change sets the ticket's organization to the new requester's default organization
// (null when none). New end users join the organization whose domain_names hold their
// email domain (Zendesk's domain mapping), which is what lets a fix create the customer
// and set their organization in one update.
//
// A successful update sets updated_at from a logical clock: second precision, strictly
// increasing, at least one second after the previous value and deterministic (no wall
// clock), and answers {"ticket":{…},"audit":{…}}. UpdateTicketDirect simulates another
// agent's edit the same way.
//
// # Rate limits, latency, faults
//
// WithRateLimit(n): n requests per sliding minute (WithRateLimitWindow for a shorter
// window in tests); beyond it 429 with Retry-After in whole seconds. Every response
// then carries X-Rate-Limit, X-Rate-Limit-Remaining, ratelimit-limit,
// ratelimit-remaining and ratelimit-reset. It also turns on Zendesk's narrower limits:
// /search/export 100 a minute (WithExportRateLimit), ticket updates 100 a minute per
// account and 30 per 10 minutes per ticket. Requests refused with 401 do not count.
//
// Faults (Inject) are checked first, before authentication, in the order injected; see
// Fault. WithLatency delays every response; delays end early when the client gives up.
// Requests lists every answered request (method, path with query, status, whether a
// fault answered it) for tests that count requests; a request is recorded before its
// answer is sent, so a client holding an answer always finds its request there.
// AfterApply faults make a write and then lose its answer (reset, 5xx, cut-off, timeout,
// a 200 without the object), as Zendesk can.
//
// # Datasets
//
// Demo is the built-in demo desk (see its comment and DemoExpectations). Synthetic(n,
// seed) builds n queue tickets with people, organizations and memberships for load
// tests. Any Dataset can be served; see Dataset for the consistency the server adds.
package zendesktest
