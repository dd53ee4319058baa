/** Whether a measured value meets a target written as `≥ bound` or `≤ bound`, as the benches print them. */
export function meets(value: number, target: string): boolean {
  const match = /^(≥|≤)\s*([\d.]+)$/.exec(target);
  if (!match) throw new Error(`a target reads "≥ n" or "≤ n", not "${target}"`);
  return match[1] === '≥' ? value >= Number(match[2]) : value <= Number(match[2]);
}
