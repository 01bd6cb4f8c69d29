#include <stddef.h>
#include <cblas.h>

/* LAPACK's Cholesky factorisation and inverse, which OpenBLAS ships in the same library
   (Fortran interface: every argument by pointer, the character argument's hidden length last). */
void dpotrf_(const char *uplo, const blasint *n, double *a, const blasint *lda, blasint *info, size_t uplo_length);
void dpotri_(const char *uplo, const blasint *n, double *a, const blasint *lda, blasint *info, size_t uplo_length);
