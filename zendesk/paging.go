package zendesk

// Walking a list's pages: cursor (meta.has_more, after_cursor) or offset (next_page).

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// eachPage walks a list: cursor pagination (meta.has_more / after_cursor, stopping on
// has_more == false, not on a null link) or, when the answer has no meta, offset next_page.
func (c *Client) eachPage(ctx context.Context, path string, fn func(*envelope) error) error {
	return c.walk(ctx, path, func(p string, data []byte) (pageHead, error) {
		var env envelope
		if err := json.Unmarshal(data, &env); err != nil {
			return pageHead{}, c.decodeErr("GET", p, err)
		}
		return env.pageHead, fn(&env)
	})
}

// eachPageLazy walks a list reading only each page's head; fn gets the undecoded answer,
// so the next page is requested while fn's consumer decodes this one.
func (c *Client) eachPageLazy(ctx context.Context, path string, fn func(p string, data []byte, h pageHead) error) error {
	return c.walk(ctx, path, func(p string, data []byte) (pageHead, error) {
		h, err := parseHead(data)
		if err != nil {
			return h, c.decodeErr("GET", p, err)
		}
		return h, fn(p, data, h)
	})
}

func (c *Client) walk(ctx context.Context, path string, step func(p string, data []byte) (pageHead, error)) error {
	return c.walkWith(ctx, path, path, false, step)
}

// walkWith is walk starting with the request first (path with another page size, say); the
// following pages use path's parameters. With shrink, a page that times out is asked again
// from the same cursor at pageSize records a page (and the rest of the walk stays at that size).
func (c *Client) walkWith(ctx context.Context, path, first string, shrink bool, step func(p string, data []byte) (pageHead, error)) error {
	seen := map[string]bool{}
	next := first
	// A cursor request must be answered by cursor pages: meta.has_more decides, strictly.
	cursor := strings.Contains(path, "page%5Bsize%5D") || strings.Contains(path, "page[size]")
	for {
		data, err := c.getBytes(ctx, next)
		if err != nil && shrink && isTimeout(err) && ctx.Err() == nil {
			shrink = false
			c.logf("GET %s: a %s-record page timed out; going on at %d a page", errPath(next), pageParam(next), pageSize)
			path = withParam(path, "page[size]", strconv.Itoa(pageSize))
			next = withParam(next, "page[size]", strconv.Itoa(pageSize))
			ctx = context.WithValue(ctx, noTimeoutRetry{}, false) // from now on, retried as usual
			data, err = c.getBytes(ctx, next)
		}
		if err != nil {
			return err
		}
		h, err := step(next, data)
		if err != nil {
			return err
		}
		var following string
		switch {
		case cursor || len(h.Meta.HasMore) > 0:
			more, err := h.more()
			if err != nil {
				return &DecodeError{Method: "GET", Path: errPath(next), Err: err}
			}
			if !more {
				return nil
			}
			if cur := string(h.Meta.AfterCursor); cur != "" {
				following = withParam(path, "page[after]", cur)
			} else if h.Links.Next != "" {
				following = c.relative(string(h.Links.Next))
			}
		case h.NextPage != "":
			following = c.relative(string(h.NextPage))
		default:
			return nil
		}
		if following == "" {
			return &DecodeError{Method: "GET", Path: errPath(next), Err: errors.New("meta.has_more is true but there is no cursor to follow")}
		}
		if seen[following] {
			return &DecodeError{Method: "GET", Path: errPath(next), Err: errors.New("the next-page cursor repeats; stopping to avoid a loop")}
		}
		seen[following] = true
		next = following
	}
}

// pageParam is the page[size] a path asks for.
func pageParam(path string) string {
	_, q, _ := strings.Cut(path, "?")
	v, _ := url.ParseQuery(q)
	return v.Get("page[size]")
}

// isTimeout: the request got no answer in time (one attempt's deadline), as opposed to the
// caller's context ending.
func isTimeout(err error) bool {
	var ne *NetworkError
	return errors.As(err, &ne) && strings.Contains(ne.Err.Error(), "timed out")
}

// withParam sets one query parameter on a path.
func withParam(path, key, value string) string {
	p, q, _ := strings.Cut(path, "?")
	v, _ := url.ParseQuery(q)
	v.Set(key, value)
	return p + "?" + v.Encode()
}

// relative turns an absolute next-page link into a path below the API base.
func (c *Client) relative(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		p := strings.TrimPrefix(u.Path, c.base.Path)
		return p + "?" + u.RawQuery
	}
	p := u.EscapedPath()
	bp := c.base.EscapedPath()
	if !strings.HasPrefix(p, bp+"/") {
		return ""
	}
	out := strings.TrimPrefix(p, bp)
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out
}
