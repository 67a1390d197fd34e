/* One-core sgemm rate of the loaded OpenBLAS on Lever's scoring shape: 2,048 queries x 128 dims
 * against 15,224 labels (the WordNet lemma label matrix), as the teacher shortlist computes it.
 * Prints the kernel OpenBLAS chose and GFLOP/s. Run by benchmarks/blas_kernel.sh. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(void) {
    const int m = 2048, n = 15224, k = 128, repeats = 5;
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * n * k), *c = malloc(sizeof(float) * m * n);
    struct timespec t0, t1;
    double seconds;
    long i;
    int r;
    if (a == NULL || b == NULL || c == NULL) return 1;
    for (i = 0; i < (long)m * k; i++) a[i] = (float)(i % 7) * 0.1f;
    for (i = 0; i < (long)n * k; i++) b[i] = (float)(i % 5) * 0.1f;
    openblas_set_num_threads(1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    for (r = 0; r < repeats; r++) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, a, k, b, k, 0, c, n);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("%-10s %6.1f GFLOP/s (%.3f s CPU for %d products)\n", openblas_get_corename(),
           repeats * 2.0 * m * n * k / seconds / 1e9, seconds, repeats);
    free(a); free(b); free(c);
    return 0;
}
