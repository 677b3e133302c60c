package diff

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/entente-dev/entente/evaluator"
)

// Impact is what the change does to an agreement's verdict on the same
// data: its outcome under the old terms and under the new ones (nil where
// the agreement is not in that set).
type Impact struct {
	Agreement string   `json:"agreement"`
	Old       *Outcome `json:"old"`
	New       *Outcome `json:"new"`
}

// Outcome is the part of a verdict a change of terms moves.
type Outcome struct {
	Status      string          `json:"status"`
	SLOs        []SLOOutcome    `json:"slos"`
	Credits     []CreditOutcome `json:"credits"`
	CreditTotal *CreditOutcome  `json:"credit_total"`
	// Currency is the fee's, for the amounts.
	Currency string `json:"currency,omitempty"`
}

// SLOOutcome is an SLO's status and figure.
type SLOOutcome struct {
	Name     string   `json:"name"`
	Status   string   `json:"status"`
	Measured *float64 `json:"measured"`
	// Unit is "%" for ratio and timeslice SLOs, the indicator's unit for
	// value ones.
	Unit string `json:"unit,omitempty"`
}

// CreditOutcome is a credit's status, percent of the fee and amount.
type CreditOutcome struct {
	Name     string   `json:"name,omitempty"`
	Status   string   `json:"status,omitempty"`
	Percent  *float64 `json:"percent"`
	Amount   *float64 `json:"amount"`
	Currency string   `json:"currency,omitempty"`
}

// Changed says whether the outcome moved: a status, a figure or a credit.
func (i Impact) Changed() bool {
	if i.Old == nil || i.New == nil {
		return true
	}
	a, _ := json.Marshal(i.Old)
	b, _ := json.Marshal(i.New)
	return string(a) != string(b)
}

// Measure evaluates both sets on the same source with the same options,
// and returns each agreement's outcome before and after. The queries both
// sets send are sent once.
func Measure(ctx context.Context, old, new *evaluator.Set, src evaluator.Source, opts evaluator.Options) ([]Impact, *evaluator.Verdict, *evaluator.Verdict, error) {
	shared := Shared(src)
	var before, after *evaluator.Verdict
	var errBefore, errAfter error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); before, errBefore = old.Evaluate(ctx, shared, opts) }()
	go func() { defer wg.Done(); after, errAfter = new.Evaluate(ctx, shared, opts) }()
	wg.Wait()
	if errBefore != nil {
		return nil, nil, nil, fmt.Errorf("under the old terms: %w", errBefore)
	}
	if errAfter != nil {
		return nil, nil, nil, fmt.Errorf("under the new terms: %w", errAfter)
	}
	o, n := outcomes(before), outcomes(after)
	var out []Impact
	for _, name := range sortedKeys(merge(o, n)) {
		out = append(out, Impact{Agreement: name, Old: o[name], New: n[name]})
	}
	return out, before, after, nil
}

func merge(a, b map[string]*Outcome) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// outcomes reads the outcome of each agreement from a verdict.
func outcomes(v *evaluator.Verdict) map[string]*Outcome {
	out := map[string]*Outcome{}
	for _, a := range v.Agreements {
		o := &Outcome{Status: a.Status, SLOs: []SLOOutcome{}, Credits: []CreditOutcome{}}
		for _, s := range a.SLOs {
			unit := s.Unit
			if s.Kind != "value" {
				unit = "%"
			}
			o.SLOs = append(o.SLOs, SLOOutcome{Name: s.Name, Status: s.Status, Measured: s.Measured.Float(), Unit: unit})
		}
		for _, c := range a.Credits {
			o.Credits = append(o.Credits, CreditOutcome{Name: c.Name, Status: c.Status, Percent: c.Percent.Float(), Amount: c.Amount.Float(), Currency: c.Currency})
		}
		if t := a.CreditTotal; t != nil {
			o.CreditTotal = &CreditOutcome{Percent: t.Percent.Float(), Amount: t.Amount.Float(), Currency: t.Currency}
			o.Currency = t.Currency
		}
		out[a.Name] = o
	}
	return out
}

// Shared wraps a source so that a query asked twice (by the old and the
// new terms) is sent once: the second asker waits for the first answer.
func Shared(src evaluator.Source) evaluator.Source {
	s := &shared{src: src, answers: map[string]*answer{}}
	if d, ok := src.(evaluator.Describer); ok {
		return &describedShared{s, d}
	}
	return s
}

type shared struct {
	src     evaluator.Source
	mu      sync.Mutex
	answers map[string]*answer
}

type answer struct {
	done chan struct{}
	a    evaluator.Answer
	err  error
}

func (s *shared) once(key string, ask func() (evaluator.Answer, error)) (evaluator.Answer, error) {
	s.mu.Lock()
	if x, ok := s.answers[key]; ok {
		s.mu.Unlock()
		<-x.done
		return x.a, x.err
	}
	x := &answer{done: make(chan struct{})}
	s.answers[key] = x
	s.mu.Unlock()
	x.a, x.err = ask()
	close(x.done)
	return x.a, x.err
}

func (s *shared) Query(ctx context.Context, q string, t time.Time) (evaluator.Answer, error) {
	return s.once("i\x00"+q+"\x00"+strconv.FormatInt(t.UnixNano(), 10), func() (evaluator.Answer, error) { return s.src.Query(ctx, q, t) })
}

func (s *shared) QueryRange(ctx context.Context, q string, start, end time.Time, step time.Duration) (evaluator.Answer, error) {
	key := fmt.Sprintf("r\x00%s\x00%d\x00%d\x00%d", q, start.UnixNano(), end.UnixNano(), step)
	return s.once(key, func() (evaluator.Answer, error) { return s.src.QueryRange(ctx, q, start, end, step) })
}

// describedShared keeps the source's description: the verdict says what
// answered.
type describedShared struct {
	*shared
	d evaluator.Describer
}

func (s *describedShared) Describe(ctx context.Context) evaluator.Engine { return s.d.Describe(ctx) }
