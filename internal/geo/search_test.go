package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLocateAgreesWithContains: Locate's shortcuts (the latitude bound,
// the haversine term against the radius's, approximate distances) decide
// membership exactly as Contains does, their approximate distance is
// within the margin SurelyLess assumes, and an exact distance they report
// is Distance's.
func TestLocateAgreesWithContains(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range 300000 {
		long0, lat0 := rng.Float64()*360-180, rng.Float64()*170.1-85.05
		scale := []float64{1e-7, 1e-4, 1e-2, 1, 180}[i%5]
		radius := []float64{0, 1e-6, 0.5, 100, 5000, 1e5, 3e7}[rng.IntN(7)]
		if i%3 == 0 {
			// Points exactly at the radius's distance, give or take.
			radius = -1
		}
		long := math.Max(-180, math.Min(180, long0+(rng.Float64()*2-1)*scale))
		lat := math.Max(-85.05, math.Min(85.05, lat0+(rng.Float64()*2-1)*scale))
		if radius < 0 {
			radius = Distance(long0, lat0, long, lat) * (1 + []float64{0, 1e-16, -1e-16, 1e-10, -1e-10}[rng.IntN(5)])
		}
		for _, conv := range []float64{1, 1000} {
			s := Shape{Kind: Circle, Long: long0, Lat: lat0, Conversion: conv, Radius: radius / conv}
			wantD, wantIn := s.Contains(long, lat)
			approx, exact, haveExact, in := s.Locate(long, lat)
			if in != wantIn {
				t.Fatalf("centre (%v,%v) radius %v m, point (%v,%v): Locate says %v, Contains %v", long0, lat0, radius, long, lat, in, wantIn)
			}
			if !in {
				continue
			}
			if haveExact && exact != wantD {
				t.Fatalf("exact %v, Distance %v", exact, wantD)
			}
			if SurelyLess(approx, wantD) || SurelyLess(wantD, approx) {
				t.Fatalf("approximate %v and exact %v differ beyond the margin", approx, wantD)
			}
		}
	}
}
