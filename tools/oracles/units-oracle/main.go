// Command units-oracle prints, as JSON on stdout, what Go answers for the SDL's numeric scalars:
// the golden data test/units-golden.test.ts holds src/sdl/units.ts to. The linter quotes Go's
// answers and error texts, and a provider reads the same SDL with Go, so every input the
// TypeScript port reads differently is a wrong finding or a missed one.
//
// For each input it records:
//
//   - strconv.Quote, how Go's errors show the input;
//   - strconv.ParseFloat(s, 64) and strconv.ParseUint(s, 10, 32|64), the value or Go's error text;
//   - time.ParseDuration, how go/sdl reads reclamation.min_window;
//   - cosmossdk.io/math LegacyNewDecFromStr (the version Cosmos SDK v0.53, Akash's mainnet, uses),
//     how go/sdl reads a price's amount;
//   - go/sdl's byteQuantity, memoryQuantity (GPU ram) and cpuQuantity. Akash's own module
//     (pkg.akt.dev/go) is refused by the module proxy here, so sdlBytes and sdlCPU below restate
//     its units.go in a few lines; everything that decides an answer (ParseFloat, ParseUint, the
//     float64 multiplication and the conversion to an integer) is Go's own.
//
// The inputs come from a fixed list of edge cases and a splitmix64 generator with fixed seeds, so
// the output changes only if Go or cosmossdk.io/math do; the test compares a fresh run with the
// committed file to prove the file is Go's.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	sdkmath "cosmossdk.io/math"

	"akash-stack/tools/oracles/splitmix"
)

// Edge cases: the grammar's corners (signs, points, exponents, hex floats, underscores, inf and
// nan spellings), the limits of float64, uint32 and uint64, unit suffixes, and characters that
// strconv.Quote escapes or keeps.
var edges = []string{
	"", "0", "00", "1", "-0", "+0", "-1", "+1", "1.", ".5", ".", "-.", "-", "+", "1.5", "0.5", "1000",
	"1e3", "1E3", "1e", "1e+", "1e-", "1e+3", "1e-3", "1.5e2", ".5e1", "5.e1", "e5", "1e3.5",
	"1e-400", "1e400", "1e308", "2e308", "-1e400", "1e10000", "1e99999", "1e-99999",
	"1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "4.9e-324", "2.5e-324", "2.4e-324",
	"2.2250738585072011e-308", "2.2250738585072012e-308", "9007199254740993", "9007199254740992.5",
	"123456789012345678901234567890", "0.1", "0.2", "0.3", "1.005", "0.000001", "1000000000000000000000",
	"0x1p-1074", "0x1p-1075", "0x1.8p-1075", "0x1p1023", "0x1.fffffffffffffp1023", "0x1.fffffffffffff8p1023", "0x1p1024",
	"0x1.8p1", "0x1", "0x1p", "0x.8p1", "0x8.p1", "0x.p1", "0X1P+2", "0x1P-2", "0x_1p0", "0x1_0p0", "0x1__0p0", "0x1p1_0",
	"0xAbCp0", "0xgp0", "0x10000000000000000000000001p0", "0x1.00000000000008p0", "0x1.00000000000018p0",
	"1_000", "1__0", "_1", "1_", "1_.5", "1._5", "1.5_", "1e1_0", "1_e10", "-1_0", "+_1", "0_1", "0x",
	"inf", "Inf", "+Inf", "-INF", "iNf", "infinity", "-Infinity", "+INFINITY", "infin", "infinit", "infinityx", "infx", "in", "i",
	"nan", "NaN", "NAN", "-nan", "+nan", "nanx", "na", "n",
	"0b101", "0o17", "0B1", "007", "08", "0.5.5", "1..2", "1.2.3", "--5", "-+5", "+-5", "- 5", " 5", "5 ", "5\t",
	"0.1Gi", "512Mi", "1Gi", "1G", "1Ki", "1k", "1K", "1M", "1Mi", "1T", "1Ti", "1P", "1Pi", "1E", "1Ei", "16Ei", "15Ei", "16E",
	"18E", "19E", "0.5Ki", "1.5Gi", "-1Gi", "-0Gi", "1e3Mi", "1e19", "1.8446744073709552e19", "18446744073709549568",
	"18446744073709551615", "18446744073709551616", "99999999999999999999", "99999999999999999999x", "4294967295",
	"4294967296", "4294967295m", "4294967296m", "100m", "1.5m", "-100m", "m", "0m", "1mm", "+1m", "1_0m", "1e3m",
	"4294967.295", "4294967.296", "4294967.2959", "-0.0001", "-1e-400", "NaNGi", "InfGi", "-InfKi", "nanm", "Infm",
	"1Gb", "1GB", "1gi", "1gb", "512mi", "80GB", "80G", "80Gi", "512b", "512 Mi", " 512Mi", "1.Gi", ".5Gi", "1bytes",
	"100", "100.000000000000000000", "100.0000000000000000001", "0.000000000000000001", "0.0000000000000000001",
	"-100.5", "-0", "-0.0", ".1", "1.", "-", "1.2.3", "1,5", "1e5", "0x10", "+5", "+-5", "--5", "-+5", "١٢٣", "１",
	// LegacyDec's limit, 2^256 − 10^-18, and just beyond it; 6.7·10^76 was beyond the older limit of 315 bits
	"115792089237316195423570985008687907853269984665640564039457584007913129639935.999999999999999999",
	"115792089237316195423570985008687907853269984665640564039457584007913129639936",
	"-115792089237316195423570985008687907853269984665640564039457584007913129639935.999999999999999999",
	"-115792089237316195423570985008687907853269984665640564039457584007913129639936",
	"67000000000000000000000000000000000000000000000000000000000000000000000000000",
	"1000000000000000000000000000000000000000000000000000000000000000000000000000000",
	"é", "\x00", "\x07", "\b", "\f", "\n", "\r", "\t", "\v", "\x1b", "\x7f", "\u0080", "\u009f", "\u00a0", "\u00ad",
	"a\"b", "a\\b", "'", "`", "\u0301", "e\u0301", "\u200b", "\u200d", "\u2028", "\u2029", "\ufeff", "\ue000",
	"\uf8ff", "\ufffd", "\uffff", "\U0001f600", "\U0001f600x", "\U000e0001", "\U000f0000", "\U0010ffff", "\u0378",
	"\u4e2d", "\u0661", "\uff11", "\u2160", "\u00bd", "\u3000", "\u1680",
	// durations
	"1h", "24h", "720h", "720h0m1s", "719h59m59.999999999s", "1d", "90m", "1h30m", "1.5h", ".5h", "5.h", "1µs", "1μs",
	"1us", "1ns", "-1h", "+1h", "-0", "0h", "0.0h", "h", ".h", "1h1", "1.h", "1hh", "1e3s", "1h.5m", "1 h", "1h ", "1H", "1Ms",
	"1hour", "1h\"", "1h\\", "1h\x00", "1h\t", "1é", "1hé", "1µ", "-", "+", "--1h", "1h-1m", "9223372036854775807ns",
	"9223372036854775808ns", "9223372036854775809ns", "-9223372036854775808ns", "-9223372036854775809ns", "18446744073709551616ns",
	"9223372036854775807s", "2562047h", "2562048h", "2562047h47m16.854775807s", "2562047h47m16.854775808s",
	"2562047h47m16.854775807999s", "0.9999999999999999999h", "0.99999999999999999999999999h", "0.12345678901234567890123h",
	"1.0000000000000000000000001s", "59.99999999999m", "3599.9999999999999s", "1.5ns", "0.5ns", "1.9999999999ns",
	"92233720368547758070000000000000ns", "1.92233720368547758070000000000000s", "0.000000000000000000001h",
}

// Characters for the random inputs: the float grammar's and the suffixes' letters, and a few
// characters whose Unicode category is the same in every Unicode version Go and Node.js carry
// (a code point assigned only in a newer version would make the data depend on the runtime).
var grammar = []string{
	"0", "1", "2", "5", "7", "9", "0", "1", "9", ".", "_", "+", "-", "e", "E", "p", "P", "x", "X",
	"i", "I", "n", "N", "f", "F", "a", "A", "t", "T", "y", "k", "K", "M", "G", "P", "E", "m", "b", "B",
}
var others = []string{
	" ", "\t", "\n", "\"", "\\", "\x00", "\x7f", "\u00a0", "\u00ad", "\u00e9", "\u0301", "\u200b",
	"\u2028", "\ufeff", "\ue000", "\ufffd", "\U0001f600", "\U000e0001", "\U0010ffff", "\u0661", "\u4e2d",
}

// gen draws the inputs from a splitmix64 source.
type gen struct{ *splitmix.Source }

func (s gen) below(n int) int           { return s.Intn(n) }
func (s gen) pick(from []string) string { return from[s.below(len(from))] }

func (s gen) digits(min, max int) string {
	var b strings.Builder
	for n := min + s.below(max-min+1); n > 0; n-- {
		b.WriteByte(byte('0' + s.below(10)))
	}
	return b.String()
}

// shaped: a number built the way people and the grammar write them (sign, digits, point,
// exponent, suffix), then sometimes one character changed, inserted or removed.
func (s gen) shaped() string {
	var b strings.Builder
	if s.below(5) == 0 {
		b.WriteString(s.pick([]string{"-", "+"}))
	}
	hex := s.below(8) == 0
	if hex {
		b.WriteString(s.pick([]string{"0x", "0X"}))
		for n := s.below(18); n > 0; n-- {
			b.WriteByte("0123456789abcdefABCDEF_"[s.below(23)])
		}
	} else {
		long := s.below(6) == 0
		b.WriteString(s.digits(0, map[bool]int{true: 40, false: 6}[long]))
	}
	if s.below(2) == 0 {
		b.WriteString(".")
		b.WriteString(s.digits(0, 20))
	}
	if s.below(3) == 0 {
		b.WriteString(s.pick([]string{"e", "E", "p", "P"}))
		if s.below(2) == 0 {
			b.WriteString(s.pick([]string{"-", "+"}))
		}
		b.WriteString(s.digits(0, 4))
	}
	if s.below(2) == 0 {
		b.WriteString(s.pick([]string{"k", "Ki", "M", "Mi", "G", "Gi", "T", "Ti", "P", "Pi", "E", "Ei", "m", "Gb", "gi", "b", "i"}))
	}
	text := []rune(b.String())
	switch s.below(4) {
	case 0: // one character replaced
		if len(text) > 0 {
			text[s.below(len(text))] = []rune(s.pick(grammar))[0]
		}
	case 1: // one character inserted
		at := s.below(len(text) + 1)
		text = append(text[:at], append([]rune(s.pick(append(grammar, others...))), text[at:]...)...)
	case 2: // one character removed
		if len(text) > 0 {
			at := s.below(len(text))
			text = append(text[:at], text[at+1:]...)
		}
	}
	return string(text)
}

// duration: one to three numbers with units, as people write min_window, then sometimes one
// character changed, inserted or removed.
func (s gen) duration() string {
	var b strings.Builder
	if s.below(6) == 0 {
		b.WriteString(s.pick([]string{"-", "+"}))
	}
	for n := 1 + s.below(3); n > 0; n-- {
		b.WriteString(s.digits(0, map[bool]int{true: 22, false: 4}[s.below(8) == 0]))
		if s.below(3) == 0 {
			b.WriteString(".")
			b.WriteString(s.digits(0, map[bool]int{true: 25, false: 3}[s.below(5) == 0]))
		}
		b.WriteString(s.pick([]string{"h", "m", "s", "ms", "us", "µs", "μs", "ns", "d", "H", "", "hr"}))
	}
	text := []rune(b.String())
	switch s.below(5) {
	case 0:
		if len(text) > 0 {
			text[s.below(len(text))] = []rune(s.pick(grammar))[0]
		}
	case 1:
		at := s.below(len(text) + 1)
		text = append(text[:at], append([]rune(s.pick(append(grammar, others...))), text[at:]...)...)
	}
	return string(text)
}

// soup: up to 8 characters from the grammar and the other characters, in any order.
func (s gen) soup() string {
	var b strings.Builder
	for n := s.below(9); n > 0; n-- {
		if s.below(4) == 0 {
			b.WriteString(s.pick(others))
		} else {
			b.WriteString(s.pick(grammar))
		}
	}
	return b.String()
}

// An answer: "v:" and the value, "e:" and Go's error text, or "x" where Go converts an
// out-of-range float64 to an integer (NaN, or beyond the integer type): that result differs
// between CPU architectures, so there is no single Go answer to hold the port to.
func value(v string) string    { return "v:" + v }
func failure(err error) string { return "e:" + err.Error() }

const platformDependent = "x"

var errNegativeValue = errors.New("invalid: negative value not allowed")

type suffix struct {
	symbol string
	unit   uint64
}

var byteSuffixes = []suffix{
	{"k", 1e3}, {"Ki", 1 << 10}, {"M", 1e6}, {"Mi", 1 << 20}, {"G", 1e9}, {"Gi", 1 << 30},
	{"T", 1e12}, {"Ti", 1 << 40}, {"P", 1e15}, {"Pi", 1 << 50}, {"E", 1e18}, {"Ei", 1 << 60},
}

// go/sdl's memoryQuantity takes the binary suffixes only.
var memorySuffixes = []suffix{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40}, {"Pi", 1 << 50}, {"Ei", 1 << 60}}

// sdlBytes restates go/sdl's parseWithSuffix: the first suffix the text ends with is cut off,
// the rest is a float64 multiplied by the unit, negatives are refused, and the result is
// converted to uint64. (Go ranges over a map there; no text ends with two of the suffixes, so
// the order does not matter.)
func sdlBytes(text string, suffixes []suffix) string {
	number, unit := text, uint64(1)
	for _, s := range suffixes {
		if strings.HasSuffix(text, s.symbol) {
			number, unit = strings.TrimSuffix(text, s.symbol), s.unit
			break
		}
	}
	val, err := strconv.ParseFloat(number, 64)
	if err != nil {
		return failure(err)
	}
	val *= float64(unit)
	if val < 0 {
		return failure(errNegativeValue)
	}
	if math.IsNaN(val) || val >= 1<<64 {
		return platformDependent
	}
	return value(strconv.FormatUint(uint64(val), 10))
}

// sdlCPU restates go/sdl's cpuQuantity: "<uint32>m" is millicpu, anything else is a float64 of
// CPUs times 1000, converted to uint32.
func sdlCPU(text string) string {
	if millis, ok := strings.CutSuffix(text, "m"); ok {
		val, err := strconv.ParseUint(millis, 10, 32)
		if err != nil {
			return failure(err)
		}
		return value(strconv.FormatUint(val, 10))
	}
	val, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return failure(err)
	}
	val *= 1000
	if val < 0 {
		return failure(errNegativeValue)
	}
	if math.IsNaN(val) || val >= 1<<32 {
		return platformDependent
	}
	return value(strconv.FormatUint(uint64(uint32(val)), 10))
}

type answers struct {
	In     string `json:"in"`
	Quote  string `json:"quote"`
	Float  string `json:"float"` // the float64's bits in hex, so -0, NaN and ±Inf survive JSON
	Uint32 string `json:"uint32"`
	Uint64 string `json:"uint64"`
	Dec    string `json:"dec"`
	Time   string `json:"duration"` // nanoseconds
	Bytes  string `json:"bytes"`
	GpuRAM string `json:"gpuRam"`
	CPU    string `json:"cpu"`
}

func ask(in string) answers {
	a := answers{In: in, Quote: strconv.Quote(in)}
	if f, err := strconv.ParseFloat(in, 64); err != nil {
		a.Float = failure(err)
	} else {
		a.Float = value(strconv.FormatUint(math.Float64bits(f), 16))
	}
	for _, bits := range []int{32, 64} {
		answer := ""
		if u, err := strconv.ParseUint(in, 10, bits); err != nil {
			answer = failure(err)
		} else {
			answer = value(strconv.FormatUint(u, 10))
		}
		if bits == 32 {
			a.Uint32 = answer
		} else {
			a.Uint64 = answer
		}
	}
	if d, err := time.ParseDuration(in); err != nil {
		a.Time = failure(err)
	} else {
		a.Time = value(strconv.FormatInt(int64(d), 10))
	}
	if d, err := sdkmath.LegacyNewDecFromStr(in); err != nil {
		a.Dec = failure(err)
	} else {
		a.Dec = value(d.String())
	}
	a.Bytes = sdlBytes(in, byteSuffixes)
	a.GpuRAM = sdlBytes(in, memorySuffixes)
	a.CPU = sdlCPU(in)
	return a
}

func main() {
	var inputs []string
	seen := map[string]bool{}
	add := func(in string) {
		if !seen[in] {
			seen[in] = true
			inputs = append(inputs, in)
		}
	}
	for _, in := range edges {
		add(in)
	}
	generated := func(n int) int { return len(inputs) + n }
	shaped := gen{splitmix.New(0x5eed0001)}
	for end := generated(450); len(inputs) < end; {
		add(shaped.shaped())
	}
	soup := gen{splitmix.New(0x5eed0002)}
	for end := generated(120); len(inputs) < end; {
		add(soup.soup())
	}
	durations := gen{splitmix.New(0x5eed0003)}
	for end := generated(250); len(inputs) < end; {
		add(durations.duration())
	}

	// One case per line, so a difference names its line.
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	out.WriteString("[\n")
	for i, in := range inputs {
		line, err := json.Marshal(ask(in))
		if err != nil {
			panic(err)
		}
		out.Write(line)
		if i < len(inputs)-1 {
			out.WriteString(",")
		}
		out.WriteString("\n")
	}
	out.WriteString("]\n")
	if err := out.Flush(); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
}
