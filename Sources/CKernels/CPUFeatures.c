#include "CKernels.h"

// The CPU's vector features from CPUID, each counted only when the OS saves the registers it
// needs (XGETBV): AVX/AVX2/FMA need the YMM state, AVX-512 also the opmask and ZMM states.

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>

static unsigned long long ck_xgetbv0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

unsigned int ck_cpu_features(void) {
    unsigned int eax, ebx, ecx, edx, features = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int osxsave = (ecx >> 27) & 1;
    if (!osxsave) return 0;
    unsigned long long xcr0 = ck_xgetbv0();
    int ymm = (xcr0 & 0x6) == 0x6;
    int zmm = (xcr0 & 0xE6) == 0xE6;
    if (ymm && ((ecx >> 28) & 1)) features |= CK_CPU_AVX;
    if (ymm && ((ecx >> 12) & 1)) features |= CK_CPU_FMA;
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        if (ymm && ((ebx >> 5) & 1)) features |= CK_CPU_AVX2;
        if (zmm && ((ebx >> 16) & 1)) features |= CK_CPU_AVX512F;
        if (zmm && ((ebx >> 17) & 1)) features |= CK_CPU_AVX512DQ;
        if (zmm && ((ebx >> 30) & 1)) features |= CK_CPU_AVX512BW;
        if (zmm && ((ebx >> 31) & 1)) features |= CK_CPU_AVX512VL;
        if (zmm && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && ((eax >> 5) & 1)) features |= CK_CPU_AVX512BF16;
    }
    return features;
}
#else
unsigned int ck_cpu_features(void) { return 0; }
#endif
