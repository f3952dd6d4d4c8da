/**
 * Where Stata and R's plm differ, Stata is the default and plm an option:
 *
 * | quantity                  | stata (default)                               | plm                                   |
 * |---------------------------|-----------------------------------------------|---------------------------------------|
 * | FE constant `_cons`       | reported: mean(y) − mean(x)'b, SE from the    | not reported                          |
 * |                           | regression of ỹ+ȳ on x̃+x̄ and 1 (xtreg, fe)    |                                       |
 * | two-way FE                | entity within + time dummies (xtreg … i.year) | two-way within; same slopes, no dummies|
 * | HC1 factor (FE)           | N / (N − G − K)  (lm with entity dummies)     | N / (N − K)   (vcovHC white1, HC1)    |
 * | cluster factor            | G/(G−1)·(N−1)/(N−K), K incl. `_cons` and      | same with K = slopes only             |
 * |                           | time dummies, not the absorbed entity effects | (vcovHC arellano, type "sss")         |
 * | t df under clustering     | G − 1                                         | df_resid (coeftest default)           |
 * | F test df2 under cluster  | G − 1                                         | G − 1 (pwaldtest df2adj)              |
 */
export type Convention = 'stata' | 'plm';
