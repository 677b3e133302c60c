package agreements

import (
	"testing"
	"time"
)

func TestCronStartsOnceADayAcrossClockChanges(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	s, err := parseCron("30 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		from time.Time
		want []string
	}{
		{
			// 02:30 does not exist on 29 March 2026: clocks jump from 02:00
			// to 03:00. The run still happens, an hour later in UTC terms.
			name: "clocks go forward",
			from: time.Date(2026, 3, 28, 12, 0, 0, 0, paris),
			want: []string{"2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"},
		},
		{
			// 02:30 happens twice on 25 October 2026: the run happens once.
			name: "clocks go back",
			from: time.Date(2026, 10, 24, 12, 0, 0, 0, paris),
			want: []string{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			at := c.from
			for _, w := range c.want {
				at = s.Next(at)
				if got := at.UTC().Format(time.RFC3339); got != w {
					t.Errorf("got %s, want %s", got, w)
				}
			}
		})
	}
}

func TestCronTakesSevenForSunday(t *testing.T) {
	s, err := parseCron("0 2 * * 5-7")
	if err != nil {
		t.Fatal(err)
	}
	next := s.Next(time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)) // a Sunday, after 02:00
	if next.Weekday() != time.Friday {
		t.Errorf("after Sunday the next run is on %s, want Friday", next.Weekday())
	}
	next = s.Next(time.Date(2026, 10, 31, 3, 0, 0, 0, time.UTC)) // Saturday
	if next.Weekday() != time.Sunday {
		t.Errorf("after Saturday the next run is on %s, want Sunday", next.Weekday())
	}
}
