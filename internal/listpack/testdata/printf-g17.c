/* Writes testdata/printf-g17.txt: "<float64 bits as hex> <printf %.17g>" per line.
 * Built and run once with glibc: cc -O1 printf-g17.c -lm && ./a.out > printf-g17.txt
 * The Go test TestAppendG17Golden checks appendG17 against every line. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <math.h>
static uint64_t s = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void){ s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
static void emit(double d){ uint64_t u; memcpy(&u,&d,8); printf("%016llx %.17g\n",(unsigned long long)u,d); }
int main(void){
  double fixed[] = {0.1,0.5,1.5,2.5e-5,1e-4,1e-5,123.456,1e16,1e17,1e20,1e300,5e-324,2.2250738585072014e-308,
    0.30000000000000004,4611686018427388928.0,-4611686018427388928.0,9.999999999999999e16,1e-4*3,12345678901234567e3,
    0.000123,99999999999999999.0,1.7976931348623157e308, 0.0001, 0.00001, 100000000000000000.0, 1e15+0.5, 123456789012345.125, 123456789012345.375, 123456789012345.625, 123456789012345.875, 10000000000000.0625, 10000000000000.1875, 99999999999999.9375};
  for (unsigned i=0;i<sizeof(fixed)/sizeof(fixed[0]);i++){ emit(fixed[i]); emit(-fixed[i]); }
  int n=0;
  while(n<600){ uint64_t u=next(); double d; memcpy(&d,&u,8); if(!isfinite(d)) continue; emit(d); n++; }
  n=0;
  while(n<400){ /* decimal-ish values near exponent boundaries */
    double m = (double)(next()%1000000)/1000.0; int e = (int)(next()%50)-25; double d = m*pow(10,e); emit(d); n++; }
  return 0;
}
