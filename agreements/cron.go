package agreements

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// cronParser reads standard five-field cron expressions (minute, hour, day of
// month, month, day of week), with month and weekday names.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// Schedule is a parsed cron expression. Its times are read in the agreement's
// time zone.
type Schedule struct {
	spec  string
	sched cron.Schedule
}

// parseCron parses a five-field cron expression. Time zone prefixes are
// refused: an exclusion always follows the agreement's time zone.
func parseCron(spec string) (*Schedule, error) {
	trimmed := strings.TrimSpace(spec)
	if strings.HasPrefix(trimmed, "TZ=") || strings.HasPrefix(trimmed, "CRON_TZ=") {
		return nil, fmt.Errorf("a time zone prefix is not allowed here: exclusions follow the agreement's time_zone")
	}
	if strings.HasPrefix(trimmed, "@") {
		return nil, fmt.Errorf("descriptors such as %q are not supported; write the five fields, e.g. \"0 0 * * *\" for daily", strings.Fields(trimmed)[0])
	}
	if n := len(strings.Fields(trimmed)); n != 5 {
		return nil, fmt.Errorf("expected 5 fields (minute hour day-of-month month day-of-week), found %d", n)
	}
	fields := strings.Fields(trimmed)
	fields[4] = sundayAsZero(fields[4])
	s, err := cronParser.Parse(strings.Join(fields, " "))
	if err != nil {
		return nil, explainCron(fields, err)
	}
	// Some dates never come ("0 2 31 2 *"): look eight years ahead, past
	// any leap day.
	from := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if next := s.Next(from); next.IsZero() || next.Sub(from) > 8*366*24*time.Hour {
		return nil, fmt.Errorf("it never matches a date")
	}
	return &Schedule{spec: trimmed, sched: s}, nil
}

// sundayAsZero lets the day-of-week field name Sunday 7, as most crons do:
// "7" becomes "0", and a range ending at 7 also takes in 0.
func sundayAsZero(field string) string {
	items := strings.Split(field, ",")
	for i, item := range items {
		switch {
		case item == "7":
			items[i] = "0"
		case strings.HasSuffix(item, "-7") && !strings.Contains(item, "/"):
			items[i] = strings.TrimSuffix(item, "-7") + "-6,0"
		}
	}
	return strings.Join(items, ",")
}

// gaps remembers minGap for the schedules of this process: agreements
// written from one template share their exclusions, and a year of a
// nightly schedule is hundreds of steps. It holds at most maxGaps answers.
var gaps = struct {
	sync.Mutex
	m map[gapKey]time.Duration
}{m: map[gapKey]time.Duration{}}

type gapKey struct {
	spec, zone string
	from       int64
}

const maxGaps = 1024

// minGap returns the shortest time between two start times in the year
// after from, or 0 when there is at most one.
func (s *Schedule) minGap(from time.Time) time.Duration {
	key := gapKey{s.spec, from.Location().String(), from.UnixNano()}
	gaps.Lock()
	gap, ok := gaps.m[key]
	gaps.Unlock()
	if ok {
		return gap
	}
	gap = s.scanGap(from)
	gaps.Lock()
	if len(gaps.m) >= maxGaps {
		clear(gaps.m)
	}
	gaps.m[key] = gap
	gaps.Unlock()
	return gap
}

func (s *Schedule) scanGap(from time.Time) time.Duration {
	var gap time.Duration
	prev := s.Next(from)
	end := from.AddDate(1, 0, 0)
	for i := 0; i < 10000 && !prev.IsZero() && prev.Before(end); i++ {
		next := s.Next(prev)
		if next.IsZero() {
			break
		}
		if g := next.Sub(prev); gap == 0 || g < gap {
			gap = g
		}
		prev = next
	}
	return gap
}

// eitherDay tells whether both day fields are restricted, in which case cron
// matches a day when either field does.
func (s *Schedule) eitherDay() bool {
	spec, ok := s.sched.(*cron.SpecSchedule)
	// The parser marks a field written as "*" or "?" (or "*/1") with the
	// top bit; cron ORs the day fields only when neither has it.
	const star = 1 << 63
	return ok && spec.Dom&star == 0 && spec.Dow&star == 0
}

// Next returns the first start time strictly after t, read on the wall
// clock of t's location. As cron does across clock changes, a start time
// that does not exist (02:30 on the night clocks go forward) still happens,
// at the same distance after the change (03:30), and one that happens twice
// (02:30 on the night clocks go back) happens once.
func (s *Schedule) Next(t time.Time) time.Time {
	loc := t.Location()
	// The schedule runs on wall-clock time, which has no clock changes.
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	for range 1000 {
		wall = s.sched.Next(wall)
		if wall.IsZero() {
			return time.Time{}
		}
		next := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, loc)
		// A wall time that happens twice starts at its first occurrence.
		for _, d := range []time.Duration{time.Hour, 30 * time.Minute} {
			if e := next.Add(-d); sameWall(e, wall) && e.After(t) {
				next = e
				break
			}
		}
		if next.After(t) {
			return next
		}
	}
	return time.Time{}
}

// String returns the cron expression.
func (s *Schedule) String() string { return s.spec }

var cronFields = []struct{ name, allowed string }{
	{"minute", "0-59"},
	{"hour", "0-23"},
	{"day-of-month", "1-31"},
	{"month", "1-12 or JAN-DEC"},
	{"day-of-week", "0-7 or SUN-SAT"},
}

// explainCron finds the field that the cron parser refused and says what it
// accepts; the parser's own messages do not name the field.
func explainCron(fields []string, err error) error {
	for i, f := range fields {
		probe := []string{"*", "*", "*", "*", "*"}
		probe[i] = f
		if i == 4 {
			probe[i] = sundayAsZero(f)
		}
		if _, perr := cronParser.Parse(strings.Join(probe, " ")); perr != nil {
			return fmt.Errorf("the %s field %q is not valid (it takes %s, with \"*\", \",\", \"-\" and \"/\")", cronFields[i].name, f, cronFields[i].allowed)
		}
	}
	return err
}

// ParseCron parses a five-field cron expression as an exclusion's cron
// attribute is read, for schedules that come from a compiled plan.
func ParseCron(spec string) (*Schedule, error) { return parseCron(spec) }

func sameWall(t, wall time.Time) bool {
	y, m, d := t.Date()
	wy, wm, wd := wall.Date()
	return y == wy && m == wm && d == wd && t.Hour() == wall.Hour() && t.Minute() == wall.Minute() && t.Second() == wall.Second()
}
