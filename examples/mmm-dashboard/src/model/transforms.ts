/** Geometric adstock: this week's effective spend carries `decay` of last week's. */
export function adstock(spend: readonly number[], decay: number): number[] {
  const out = new Array<number>(spend.length);
  let carry = 0;
  for (let i = 0; i < spend.length; i++) {
    carry = spend[i]! + decay * carry;
    out[i] = carry;
  }
  return out;
}

/** Hill saturation: diminishing returns, half the maximum effect at `halfSat`. */
export function hill(x: number, halfSat: number, shape = 1.5): number {
  if (x <= 0) return 0;
  const xs = x ** shape;
  return xs / (xs + halfSat ** shape);
}
