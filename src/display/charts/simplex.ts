/**
 * Binning on the 2-simplex {x ∈ (0,1)³ : Σx = 1} for heatmaps: points are placed by
 * their first two coordinates (x₁, x₂), the K − 1 free coordinates with respect to
 * which Concrete densities are written, so the grid is the right triangle
 * x₁ + x₂ ≤ 1 cut into square cells (half cells along the diagonal).
 */
import { checkFiniteValues, checkPositiveInteger, fail } from '../../validate';
import { checkBins } from './check';

/** The most midpoints `simplexDensityGrid` evaluates the density at. */
const MAX_DENSITY_POINTS = 4_000_000;
import { Row } from './common';

/** One cell of the triangular grid: column i (x₁), row j (x₂), its area, and `up` = bins − 1 − j for drawing with x₂ upwards. */
interface Cell { i: number; j: number; up: number; area: number }

function cells(bins: number): Cell[] {
  if (!Number.isInteger(bins) || bins < 1) fail('simplexGrid', 'bins', 'a whole number ≥ 1', bins);
  const out: Cell[] = [];
  for (let j = 0; j < bins; j++) for (let i = 0; i + j < bins; i++) {
    out.push({ i, j, up: bins - 1 - j, area: (i + j === bins - 1 ? 0.5 : 1) / (bins * bins) });
  }
  return out;
}

/**
 * Empirical density of points of the 2-simplex on a `bins` × `bins` triangular grid:
 * count / (N · cell area), so it estimates the density with respect to (x₁, x₂).
 *
 * @param points flat [N, 3] (or [N, 2]: only x₁ and x₂ are read), row-major
 * @returns one row per cell: { i, j, up, count, density }
 *
 * @example
 * const q = new RelaxedOneHotCategorical({ logits: [1, 0, -1], temperature: 0.5 });
 * const samples = q.sample(1000, 0);           // [1000, 3] points of the simplex
 * const rows = simplexHistogram(samples.dataSync(), 3, 20);
 * const spec = heatmap({ data: rows, x: 'i', y: 'up', value: 'density' });
 * tf.dispose([samples]);
 * q.dispose();
 */
export function simplexHistogram(points: ArrayLike<number>, stride: number, bins: number): Row[] {
  if (!Number.isInteger(stride) || stride < 2) fail('simplexHistogram', 'stride', 'a whole number ≥ 2 (values per point)', stride);
  checkBins('simplexHistogram', bins);
  checkFiniteValues('simplexHistogram', 'points', points);
  const n = Math.floor(points.length / stride);
  if (n === 0) fail('simplexHistogram', 'points', 'non-empty', points.length);
  const counts = new Map<string, number>();
  for (let p = 0; p < n; p++) {
    const x1 = points[p * stride], x2 = points[p * stride + 1];
    let i = Math.min(Math.floor(x1 * bins), bins - 1), j = Math.min(Math.floor(x2 * bins), bins - 1);
    if (i + j > bins - 1) { if (x1 >= x2) i = bins - 1 - j; else j = bins - 1 - i; } // rounding past the diagonal
    counts.set(`${i},${j}`, (counts.get(`${i},${j}`) ?? 0) + 1);
  }
  return cells(bins).map((c) => {
    const count = counts.get(`${c.i},${c.j}`) ?? 0;
    return { i: c.i, j: c.j, up: c.up, count, density: count / (n * c.area) };
  });
}

/**
 * A density averaged over each cell of the same grid, by a `sub` × `sub` midpoint rule
 * inside the cell (points past the diagonal skipped). Comparable cell by cell with
 * `simplexHistogram`'s density; `expected` is the cell's probability.
 *
 * @param density maps points [[x₁, x₂, x₃], …] to their densities
 */
export function simplexDensityGrid(density: (points: number[][]) => ArrayLike<number>, bins: number, sub = 8): Row[] {
  checkBins('simplexDensityGrid', bins);
  checkPositiveInteger('simplexDensityGrid', 'sub', sub);
  // The density is called on every midpoint at once: bins² · sub² / 2 points.
  if (bins * bins * sub * sub > MAX_DENSITY_POINTS * 2) {
    fail('simplexDensityGrid', 'bins and sub', `such that bins² · sub² / 2 ≤ ${MAX_DENSITY_POINTS} midpoints`, `${bins} and ${sub}`);
  }
  const grid = cells(bins);
  const points: number[][] = [], owner: number[] = [];
  grid.forEach((c, index) => {
    for (let a = 0; a < sub; a++) for (let b = 0; b < sub; b++) {
      const x1 = (c.i + (a + 0.5) / sub) / bins, x2 = (c.j + (b + 0.5) / sub) / bins;
      if (x1 + x2 < 1) { points.push([x1, x2, 1 - x1 - x2]); owner.push(index); }
    }
  });
  const values = density(points);
  const sums = new Array<number>(grid.length).fill(0), counts = new Array<number>(grid.length).fill(0);
  owner.forEach((index, k) => { sums[index] += values[k]; counts[index] += 1; });
  return grid.map((c, index) => {
    const mean = counts[index] === 0 ? 0 : sums[index] / counts[index];
    return { i: c.i, j: c.j, up: c.up, density: mean, expected: mean * c.area };
  });
}
