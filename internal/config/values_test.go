package config

import (
	"math"
	"testing"
)

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"7", 7, true},
		{"-2", -2, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"-0", 0, false},
		{"+1", 0, false},
		{"01", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"0x10", 0, false},
		{"1k", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseInt(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseInt(%q): got %d, %v, want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseMemory(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true},
		{"", 0, true}, // as memtoull: no digits is zero
		{"kb", 0, true},
		{"5", 5, true},
		{"5b", 5, true},
		{"5B", 5, true},
		{"01", 1, true},
		{"1k", 1000, true},
		{"1K", 1000, true},
		{"1kb", 1024, true},
		{"1Kb", 1024, true},
		{"2m", 2000000, true},
		{"2mb", 2 << 20, true},
		{"3g", 3000000000, true},
		{"3GB", 3 << 30, true},
		{"18446744073709551615", math.MaxUint64, true},
		{"99999999999999999999", math.MaxUint64, true}, // saturates
		{"17179869184gb", 0, true},                     // wraps, like the C code
		{"-5", 0, false},
		{"+5", 0, false},
		{"1 ", 0, false},
		{" 1", 0, false},
		{"1.5gb", 0, false},
		{"1t", 0, false},
		{"1kib", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseMemory(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseMemory(%q): got %d, %v, want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseCInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"", 0, true},
		{"10", 10, true},
		{"+10", 10, true},
		{" 10", 10, true},
		{"-3", -3, true},
		{"010", 10, true},
		{"99999999999999999999", math.MaxInt64, true},
		{"-99999999999999999999", math.MinInt64, true},
		{"10 ", 0, false},
		{" ", 0, false},
		{"+", 0, false},
		{"1x", 0, false},
		{"''", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseCInt(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseCInt(%q): got %d, %v, want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFormatMemory(t *testing.T) {
	tests := []struct {
		in   uint64
		want string
	}{
		{0, "0"},
		{1000, "1000"},
		{1024, "1kb"},
		{1536, "1536"},
		{64 << 20, "64mb"},
		{3 << 30, "3gb"},
		{(1 << 30) + (1 << 20), "1025mb"},
	}
	for _, tc := range tests {
		if got := formatMemory(tc.in); got != tc.want {
			t.Errorf("formatMemory(%d): got %q, want %q", tc.in, got, tc.want)
		}
		if back, ok := parseMemory(formatMemory(tc.in)); !ok || back != tc.in {
			t.Errorf("parseMemory(formatMemory(%d)): got %d, %v", tc.in, back, ok)
		}
	}
}
