package model

import (
	"errors"
	"time"
)

// QueueChanges is what changed in the queue's source since an earlier load: a page per
// changed ticket (with its people, organizations and memberships), and the tickets that
// changed and left the source. AsOf is the time the changes were asked for, to pass as
// the next since.
type QueueChanges struct {
	Pages []QueuePage
	Left  []int64
	AsOf  time.Time
}

// ErrTooManyChanges says that more tickets changed than a refresh reads one by one: the
// queue is better loaded again.
var ErrTooManyChanges = errors.New("too many tickets changed for a refresh")
