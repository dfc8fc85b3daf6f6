// Package splitmix is the oracles' random source: splitmix64 with a fixed seed, so their inputs
// (and so their output, the committed golden data) change only when Go's answers do. Not
// math/rand: its sequences are not promised to stay the same across Go releases.
package splitmix

// Source is a splitmix64 generator.
type Source struct{ state uint64 }

// New returns a generator that starts from seed.
func New(seed uint64) *Source { return &Source{state: seed} }

// Next returns the next 64 random bits.
func (s *Source) Next() uint64 {
	s.state += 0x9e3779b97f4a7c15
	z := s.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Intn returns a number in [0, n). (The modulo's slight bias does not matter here: the inputs
// only need to be varied and reproducible.)
func (s *Source) Intn(n int) int { return int(s.Next() % uint64(n)) }
