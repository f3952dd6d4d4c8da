/**
 * Spatial weights, split as spdep splits them: the matrix and its lags (matrix.ts), reading files
 * (read.ts), building from geography and data (build.ts), the spectrum (spectrum.ts) and the orderings
 * for factorisation (ordering.ts). The study's own matrices (province contiguity, its island rule) are
 * study data: study/weights.ts.
 */
export * from './matrix';
export * from './read';
export * from './build';
export * from './spectrum';
export * from './ordering';
