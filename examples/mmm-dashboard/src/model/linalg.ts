/** Solves (XᵀX + λI) β = Xᵀy by Gaussian elimination with partial pivoting (ridge regression). */
export function ridge(x: number[][], y: number[], lambda: number): number[] {
  const p = x[0]?.length ?? 0;
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  for (let r = 0; r < x.length; r++) {
    const row = x[r]!;
    for (let i = 0; i < p; i++) {
      const xi = row[i]!;
      if (xi === 0) continue;
      for (let j = 0; j < p; j++) a[i]![j]! += xi * row[j]!;
      a[i]![p]! += xi * y[r]!;
    }
  }
  // The intercept (column 0) is not penalised.
  for (let i = 1; i < p; i++) a[i]![i]! += lambda;
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const d = a[col]![col]! || 1e-12;
    for (let r = 0; r < p; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / d;
      if (f === 0) continue;
      for (let c = col; c <= p; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row, i) => row[p]! / (row[i]! || 1e-12));
}

/** Coefficient of determination of predictions against observations. */
export function rSquared(y: readonly number[], yhat: readonly number[]): number {
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < y.length; i++) {
    ssRes += (y[i]! - yhat[i]!) ** 2;
    ssTot += (y[i]! - mean) ** 2;
  }
  return ssTot === 0 ? 0 : 1 - ssRes / ssTot;
}
