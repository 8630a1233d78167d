package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// keyedLimiter allows n events per window for each key (an email or an IP),
// as a token bucket refilled evenly over the window. It is per process: on
// several instances each enforces the limit on what it sees.
type keyedLimiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	m      map[string]*limiterEntry
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

func newKeyedLimiter(n int, window time.Duration) *keyedLimiter {
	return &keyedLimiter{n: n, window: window, m: map[string]*limiterEntry{}}
}

// allow takes one event for key and reports whether it is allowed and, if
// not, how long until it would be.
func (l *keyedLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.m[key]
	if !ok {
		if len(l.m) > 10_000 {
			l.sweep(now)
		}
		e = &limiterEntry{lim: rate.NewLimiter(rate.Every(l.window/time.Duration(l.n)), l.n)}
		l.m[key] = e
	}
	e.seen = now
	r := e.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep forgets keys idle for a whole window: their buckets are full again.
func (l *keyedLimiter) sweep(now time.Time) {
	for k, e := range l.m {
		if now.Sub(e.seen) > l.window {
			delete(l.m, k)
		}
	}
}
